package io.inmesh.core.model;

import java.time.Duration;

/**
 * Faults injected into matching requests.
 *
 * @param delay delay before forwarding
 * @param abort abort instead of forwarding
 */
public record HttpFaultInjection(
        Delay delay,
        Abort abort) {

    /**
     * A delay injected before forwarding.
     *
     * @param fixedDelay how long to wait
     * @param exponentialDelay deprecated and not supported by Istio's proxies
     * @param percentage share of requests delayed
     * @param percent deprecated: share of requests delayed, as an integer
     */
    public record Delay(Duration fixedDelay, Duration exponentialDelay, Percent percentage, Integer percent) {
    }

    /**
     * An error returned instead of forwarding.
     *
     * @param httpStatus HTTP status to return
     * @param grpcStatus gRPC status name to return
     * @param http2Error HTTP/2 error to return
     * @param percentage share of requests aborted; none when unset
     */
    public record Abort(Integer httpStatus, String grpcStatus, String http2Error, Percent percentage) {
    }
}
