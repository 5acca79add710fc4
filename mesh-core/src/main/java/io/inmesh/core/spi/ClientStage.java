package io.inmesh.core.spi;

/**
 * The positions of the client (outbound) stack, in the order a request passes them; the stack is
 * assembled in this order in one place. Several interceptors at one stage run in the order they
 * were added. The {@code USER_*} stages are where applications add their own.
 *
 * <pre>
 * app → TELEMETRY → USER_FIRST → EGRESS → ROUTE → USER_ROUTED → FAULT → REWRITE → TIMEOUT
 *     → MIRROR → RETRY → CIRCUIT_BREAKER → USER_ATTEMPT → ENDPOINT → wire
 * </pre>
 */
public enum ClientStage {
    /** Metrics, traces and access logs of the whole call. */
    TELEMETRY,
    /** Application interceptors that see the request as the application made it. */
    USER_FIRST,
    /** Outbound traffic policy: refuses hosts the registry does not know under REGISTRY_ONLY. */
    EGRESS,
    /** Route matching and the weighted choice of a destination. */
    ROUTE,
    /** Application interceptors that see the chosen route and destination. */
    USER_ROUTED,
    /** Fault injection of the matched route. */
    FAULT,
    /** The route's URI and authority rewrite and its header operations. */
    REWRITE,
    /** The route's timeout, bounding every attempt. */
    TIMEOUT,
    /** Mirroring: fire-and-forget copies of the request to the route's mirror destinations. */
    MIRROR,
    /** Retries; what follows runs once per attempt. */
    RETRY,
    /** Connection-pool limits and circuit breaking of the destination. */
    CIRCUIT_BREAKER,
    /** Application interceptors that run once per attempt. */
    USER_ATTEMPT,
    /** The choice of an endpoint of the destination (load balancing, outlier ejection). */
    ENDPOINT
}
