/**
 * Metrics of the mesh through the OpenTelemetry Metrics API: Istio's standard request metrics
 * ({@code istio_requests_total}, {@code istio_request_duration_milliseconds},
 * {@code istio_request_bytes}, {@code istio_response_bytes}) with Istio's labels and label values,
 * reported by both sides of every call, and the mesh's own ({@code inmesh_*}): the rules in force
 * and their staleness, refused configurations, overflows, retries and injected faults. Names, units
 * and buckets live in {@link io.inmesh.telemetry.internal.metrics.MetricNames}.
 */
package io.inmesh.telemetry.internal.metrics;
