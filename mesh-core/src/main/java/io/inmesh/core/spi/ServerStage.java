package io.inmesh.core.spi;

/**
 * The positions of the server (inbound) stack, in the order a request passes them, before it
 * reaches the application's handler. TLS termination happens on the connection, before any stage.
 *
 * <pre>
 * wire → (TLS) → NORMALIZE → TELEMETRY → AUTHORIZATION → USER → application
 * </pre>
 */
public enum ServerStage {
    /** Request normalization (paths, headers), so policies see what the application will. */
    NORMALIZE,
    /** Metrics, traces and access logs of the request as served. */
    TELEMETRY,
    /** Authentication and authorization policies. */
    AUTHORIZATION,
    /** Application interceptors, just before the handler. */
    USER
}
