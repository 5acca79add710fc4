/**
 * Access logs: one line per call on each side in Istio's default text format (Envoy's, with
 * response flags, response code details, upstream host and cluster) or as Istio's JSON encoding,
 * for every call or a sample, to standard output through a bounded queue or to an application's sink.
 */
package io.inmesh.telemetry.internal.accesslog;
