/**
 * The workload side of the control-plane protocol ({@code docs/control-plane-protocol.md}): the
 * server-sent-events parser, the reconnect back-off, and the JSON of rules events and reports.
 * Used by {@link io.inmesh.core.source.ControlPlaneConfigSource}; not an API.
 */
package io.inmesh.core.internal.controlplane;
