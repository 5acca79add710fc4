package io.inmesh.core.model;

import java.util.List;

/**
 * Load balancing, connection pool, outlier detection and TLS settings.
 *
 * @param loadBalancer load balancing
 * @param connectionPool connection limits
 * @param outlierDetection ejection of failing endpoints
 * @param tls TLS to the upstream
 * @param portLevelSettings per-port overrides
 * @param tunnel tunnel settings
 * @param proxyProtocol PROXY protocol settings
 * @param retryBudget a cap on concurrent retries
 */
public record TrafficPolicy(
        LoadBalancerSettings loadBalancer,
        ConnectionPoolSettings connectionPool,
        OutlierDetection outlierDetection,
        ClientTlsSettings tls,
        List<PortTrafficPolicy> portLevelSettings,
        TunnelSettings tunnel,
        ProxyProtocol proxyProtocol,
        RetryBudget retryBudget) {

    /**
     * Policy of one port, overriding the policy of the whole destination.
     *
     * @param port the port
     * @param loadBalancer load balancing
     * @param connectionPool connection limits
     * @param outlierDetection ejection of failing endpoints
     * @param tls TLS to the upstream
     */
    public record PortTrafficPolicy(
            PortSelector port,
            LoadBalancerSettings loadBalancer,
            ConnectionPoolSettings connectionPool,
            OutlierDetection outlierDetection,
            ClientTlsSettings tls) {
    }

    /**
     * Tunnel settings for the upstream connection.
     *
     * @param protocol CONNECT or POST
     * @param targetHost host of the tunnel's end
     * @param targetPort port of the tunnel's end
     */
    public record TunnelSettings(String protocol, String targetHost, Integer targetPort) {
    }

    /**
     * The share of active requests that may be retries at once.
     *
     * @param percent the share, 0 to 100
     * @param minRetryConcurrency retries always allowed whatever the share
     */
    public record RetryBudget(Double percent, Integer minRetryConcurrency) {
    }

    /**
     * PROXY protocol towards the upstream.
     *
     * @param version V1 or V2
     */
    public record ProxyProtocol(Version version) {
        /** The PROXY protocol version. */
        public enum Version {
            V1,
            V2
        }
    }
}
