package io.inmesh.core.model;

import java.time.Duration;

/**
 * Connection and request limits towards an upstream service (circuit breaking).
 *
 * @param tcp limits common to HTTP and TCP
 * @param http HTTP limits
 */
public record ConnectionPoolSettings(
        TcpSettings tcp,
        HttpSettings http) {

    /**
     * TCP-level limits.
     *
     * @param maxConnections the maximum number of connections to the service
     * @param connectTimeout the TCP connect timeout
     * @param tcpKeepalive keep-alive probes
     * @param maxConnectionDuration the longest a connection may live
     * @param idleTimeout how long an idle connection is kept
     */
    public record TcpSettings(
            Integer maxConnections,
            Duration connectTimeout,
            TcpKeepalive tcpKeepalive,
            Duration maxConnectionDuration,
            Duration idleTimeout) {
    }

    /**
     * TCP keep-alive probes.
     *
     * @param probes unanswered probes before the connection is dead
     * @param time idle time before the first probe
     * @param interval time between probes
     */
    public record TcpKeepalive(Integer probes, Duration time, Duration interval) {
    }

    /**
     * HTTP-level limits.
     *
     * @param http1MaxPendingRequests the maximum number of requests waiting for a connection
     * @param http2MaxRequests the maximum number of concurrent requests
     * @param maxRequestsPerConnection requests per connection before it is closed; 0 means unlimited
     * @param maxRetries the maximum number of concurrent retries
     * @param idleTimeout how long an idle connection is kept
     * @param h2UpgradePolicy whether HTTP/1.1 connections are upgraded to HTTP/2
     * @param useClientProtocol whether the caller's protocol is kept
     * @param maxConcurrentStreams the maximum concurrent streams per HTTP/2 connection
     */
    public record HttpSettings(
            Integer http1MaxPendingRequests,
            Integer http2MaxRequests,
            Integer maxRequestsPerConnection,
            Integer maxRetries,
            Duration idleTimeout,
            H2UpgradePolicy h2UpgradePolicy,
            Boolean useClientProtocol,
            Integer maxConcurrentStreams) {
    }

    /** Whether HTTP/1.1 connections are upgraded to HTTP/2. */
    public enum H2UpgradePolicy {
        DEFAULT,
        DO_NOT_UPGRADE,
        UPGRADE
    }
}
