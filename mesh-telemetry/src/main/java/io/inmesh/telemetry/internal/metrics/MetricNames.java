package io.inmesh.telemetry.internal.metrics;

import java.util.List;

/**
 * Every metric name, unit and bucket layout of the mesh, in one place.
 *
 * <p>The names are chosen so that OpenTelemetry's Prometheus exporter, which appends the unit
 * ({@code ms} as {@code _milliseconds}, {@code By} as {@code _bytes}, {@code s} as {@code _seconds})
 * unless the name already ends with it, and {@code _total} to counters unless present, exposes
 * exactly Istio's names: {@code istio_requests_total},
 * {@code istio_request_duration_milliseconds_bucket}, {@code istio_request_bytes_sum}, and so on.
 * Units in braces ({@code {request}}) are annotations the exporter leaves out.
 */
public final class MetricNames {

    /** The instrumentation scope of every instrument of the mesh. */
    public static final String SCOPE = "io.inmesh.telemetry";

    /** Istio's request counter; a counter. */
    public static final String REQUESTS = "istio_requests_total";
    /** Istio's request duration; a histogram in milliseconds, from the call's start to the end of its response body. */
    public static final String REQUEST_DURATION = "istio_request_duration_milliseconds";
    /** Istio's request body size; a histogram in bytes. */
    public static final String REQUEST_BYTES = "istio_request_bytes";
    /** Istio's response body size; a histogram in bytes. */
    public static final String RESPONSE_BYTES = "istio_response_bytes";

    /** The rules in force: 1, with their {@code version} and {@code origin} as labels; a gauge. */
    public static final String CONFIG_VERSION = "inmesh_config_version";
    /** How long since the mesh last had word its rules are current ({@code RulesStatus.staleness}); a gauge in seconds. */
    public static final String CONFIG_STALENESS = "inmesh_config_staleness";
    /** Configurations the source offered and the mesh refused; a counter. */
    public static final String CONFIG_REJECTIONS = "inmesh_config_rejections_total";
    /** Requests refused by a circuit breaker or a pending-request limit (Envoy's {@code UO}); a counter. */
    public static final String UPSTREAM_OVERFLOWS = "inmesh_upstream_overflows_total";
    /** Upstream requests beyond the first of a call: retries; a counter. */
    public static final String RETRIES = "inmesh_retries_total";
    /** Faults the mesh injected, by {@code fault} ({@code abort} or {@code delay}); a counter. */
    public static final String FAULTS_INJECTED = "inmesh_faults_injected_total";

    /** Gauge: endpoints outlier detection has ejected now, per upstream cluster. */
    public static final String OUTLIER_EJECTIONS_ACTIVE = "inmesh_outlier_ejections_active";
    /** Gauge: 1 while a circuit breaker's resource (connections, pending, requests, retries) of a cluster is at its limit. */
    public static final String CIRCUIT_BREAKERS_OPEN = "inmesh_circuit_breakers_open";
    /** Gauge: requests waiting for a connection now, per upstream cluster. */
    public static final String UPSTREAM_PENDING = "inmesh_upstream_requests_pending";
    public static final String UNIT_MILLISECONDS = "ms";
    public static final String UNIT_BYTES = "By";
    public static final String UNIT_SECONDS = "s";

    /**
     * Envoy's default histogram buckets, which Istio's three histograms use unless a pod overrides
     * them ({@code sidecar.istio.io/statsHistogramBuckets}): milliseconds for the duration, bytes for
     * the sizes alike.
     */
    public static final List<Double> ISTIO_BUCKETS = List.of(0.5, 1d, 5d, 10d, 25d, 50d, 100d, 250d, 500d, 1_000d, 2_500d, 5_000d,
            10_000d, 30_000d, 60_000d, 300_000d, 600_000d, 1_800_000d, 3_600_000d);

    private MetricNames() {
    }
}
