/**
 * Traces: a client span per outbound call and a server span per inbound call, named and described
 * as OpenTelemetry's stable HTTP semantic conventions ask, with the mesh's own {@code inmesh.*}
 * attributes, and trace context carried in W3C and B3 headers; not part of the API.
 */
package io.inmesh.telemetry.internal.tracing;
