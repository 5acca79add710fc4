package io.inmesh.routing;

import io.inmesh.core.model.ClientTlsSettings;
import io.inmesh.core.model.ConnectionPoolSettings;
import io.inmesh.core.model.LoadBalancerSettings;
import io.inmesh.core.model.OutlierDetection;
import io.inmesh.core.model.TrafficPolicy;
import java.util.Objects;

/**
 * The traffic policy in force for one upstream cluster ({@code host|subset|port}): the
 * DestinationRule's policy, with the subset's merged over it and then the settings of the
 * cluster's port ({@code portLevelSettings}) over both, setting by setting, as Istio builds a
 * cluster. A {@code null} setting means the rule says nothing and Istio's default applies.
 *
 * @param cluster the cluster key, {@code host|subset|port}
 * @param destinationRule the governing DestinationRule as {@code namespace/name}, or {@code null}
 * @param loadBalancer how endpoints are chosen
 * @param connectionPool connection and request limits
 * @param outlierDetection ejection of failing endpoints
 * @param retryBudget the share of active requests that may be retries at once
 * @param tls TLS towards the cluster
 */
public record ClusterPolicy(
        String cluster,
        String destinationRule,
        LoadBalancerSettings loadBalancer,
        ConnectionPoolSettings connectionPool,
        OutlierDetection outlierDetection,
        TrafficPolicy.RetryBudget retryBudget,
        ClientTlsSettings tls) {

    public ClusterPolicy {
        Objects.requireNonNull(cluster, "cluster");
    }

    /**
     * The policy of {@code cluster} whose endpoints are on {@code port}, from the subset (or whole
     * service) {@code resolved} as its DestinationRule defines it; {@code resolved} may be {@code null}
     * when no rule governs the host.
     */
    public static ClusterPolicy of(String cluster, ResolvedSubset resolved, int port) {
        if (resolved == null || resolved.trafficPolicy() == null) {
            return new ClusterPolicy(cluster, resolved == null ? null : resolved.destinationRule(), null, null, null, null, null);
        }
        TrafficPolicy policy = resolved.trafficPolicy();
        LoadBalancerSettings loadBalancer = policy.loadBalancer();
        ConnectionPoolSettings connectionPool = policy.connectionPool();
        OutlierDetection outlierDetection = policy.outlierDetection();
        ClientTlsSettings tls = policy.tls();
        for (TrafficPolicy.PortTrafficPolicy portPolicy : policy.portLevelSettings()) {
            if (portPolicy.port() != null && portPolicy.port().number() != null && portPolicy.port().number() == port) {
                loadBalancer = portPolicy.loadBalancer() != null ? portPolicy.loadBalancer() : loadBalancer;
                connectionPool = portPolicy.connectionPool() != null ? portPolicy.connectionPool() : connectionPool;
                outlierDetection = portPolicy.outlierDetection() != null ? portPolicy.outlierDetection() : outlierDetection;
                tls = portPolicy.tls() != null ? portPolicy.tls() : tls;
            }
        }
        return new ClusterPolicy(cluster, resolved.destinationRule(), loadBalancer, connectionPool, outlierDetection,
                policy.retryBudget(), tls);
    }

    /** Istio's load balancer when a rule sets none. */
    public static final LoadBalancerSettings.SimpleLb DEFAULT_LOAD_BALANCER = LoadBalancerSettings.SimpleLb.LEAST_REQUEST;

    /**
     * The load balancer in words: {@code LEAST_REQUEST (Istio's default)}, {@code ROUND_ROBIN, warm-up 30s},
     * {@code consistent hash on header x-user (ring hash, minimum ring size 1024)}.
     */
    public String describeLoadBalancer() {
        LoadBalancerSettings lb = loadBalancer;
        if (lb == null || (lb.simple() == null && lb.consistentHash() == null)
                || lb.simple() == LoadBalancerSettings.SimpleLb.UNSPECIFIED) {
            return DEFAULT_LOAD_BALANCER + " (Istio's default)" + warmup(lb);
        }
        if (lb.consistentHash() != null) {
            io.inmesh.core.model.ConsistentHashLb hash = lb.consistentHash();
            String on = hash.httpHeaderName() != null ? "header " + hash.httpHeaderName()
                    : hash.httpCookie() != null ? "cookie " + hash.httpCookie().name()
                            + (hash.httpCookie().ttl() == null ? "" : " (generated with ttl " + format(hash.httpCookie().ttl()) + ")")
                    : Boolean.TRUE.equals(hash.useSourceIp()) ? "the source address"
                    : hash.httpQueryParameterName() != null ? "query parameter " + hash.httpQueryParameterName()
                    : "(nothing)";
            String table = hash.maglev() != null
                    ? "maglev, table size " + (hash.maglev().tableSize() == null ? "65537" : hash.maglev().tableSize())
                    : "ring hash, minimum ring size " + (hash.ringHash() != null && hash.ringHash().minimumRingSize() != null
                            ? hash.ringHash().minimumRingSize() : hash.minimumRingSize() != null ? hash.minimumRingSize() : 1024);
            return "consistent hash on " + on + " (" + table + ")";
        }
        LoadBalancerSettings.SimpleLb simple = lb.simple() == LoadBalancerSettings.SimpleLb.LEAST_CONN
                ? LoadBalancerSettings.SimpleLb.LEAST_REQUEST : lb.simple();
        return simple + warmup(lb);
    }

    private static String warmup(LoadBalancerSettings lb) {
        if (lb == null) {
            return "";
        }
        if (lb.warmup() != null && lb.warmup().duration() != null) {
            LoadBalancerSettings.WarmupConfiguration warmup = lb.warmup();
            return ", warm-up " + format(warmup.duration()) + " (from "
                    + (warmup.minimumPercent() == null ? "10" : stripZero(warmup.minimumPercent())) + "%, aggression "
                    + (warmup.aggression() == null ? "1.0" : warmup.aggression()) + ")";
        }
        return lb.warmupDurationSecs() == null ? "" : ", warm-up " + format(lb.warmupDurationSecs());
    }

    /**
     * The connection-pool limits the rule sets, in words ({@code tcp.maxConnections 1,
     * http.http1MaxPendingRequests 1}); {@code null} when it sets none (Istio: no limits).
     */
    public String describeConnectionPool() {
        if (connectionPool == null) {
            return null;
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        ConnectionPoolSettings.TcpSettings tcp = connectionPool.tcp();
        if (tcp != null) {
            add(parts, "tcp.maxConnections", tcp.maxConnections());
            add(parts, "tcp.connectTimeout", tcp.connectTimeout());
            add(parts, "tcp.idleTimeout", tcp.idleTimeout());
        }
        ConnectionPoolSettings.HttpSettings http = connectionPool.http();
        if (http != null) {
            add(parts, "http.http1MaxPendingRequests", http.http1MaxPendingRequests());
            add(parts, "http.http2MaxRequests", http.http2MaxRequests());
            add(parts, "http.maxRequestsPerConnection", http.maxRequestsPerConnection());
            add(parts, "http.maxRetries", http.maxRetries());
            add(parts, "http.idleTimeout", http.idleTimeout());
        }
        return parts.isEmpty() ? null : String.join(", ", parts);
    }

    /**
     * The retry budget with Istio's defaults filled in, in words ({@code 25% of active requests, at
     * least 3}); {@code null} when the rule sets none (then {@code http.maxRetries} caps retries, or
     * inmesh's default budget of 20 %, at least 3, when that is not set either).
     */
    public String describeRetryBudget() {
        if (retryBudget == null) {
            return null;
        }
        double percent = retryBudget.percent() == null ? 20.0 : retryBudget.percent();
        int floor = retryBudget.minRetryConcurrency() == null ? 3 : retryBudget.minRetryConcurrency();
        return java.math.BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString() + "% of active requests, at least " + floor;
    }

    /**
     * Outlier detection with Istio's defaults filled in, in words; {@code null} when the rule sets none
     * (then no endpoint is ever ejected).
     */
    public String describeOutlierDetection() {
        OutlierDetection od = outlierDetection;
        if (od == null) {
            return null;
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        // The deprecated consecutiveErrors counts gateway errors only and turns 5xx ejection off, as Istio maps it.
        boolean legacy = od.consecutiveErrors() != null && od.consecutiveErrors() > 0;
        int fiveXx = od.consecutive5xxErrors() != null ? od.consecutive5xxErrors() : legacy ? 0 : 5;
        int gateway = od.consecutiveGatewayErrors() != null ? od.consecutiveGatewayErrors() : legacy ? od.consecutiveErrors() : 0;
        if (fiveXx > 0) {
            parts.add("eject after " + fiveXx + " consecutive 5xx");
        }
        if (gateway > 0) {
            parts.add((parts.isEmpty() ? "eject " : "") + "after " + gateway + " consecutive gateway errors");
        }
        if (Boolean.TRUE.equals(od.splitExternalLocalOriginErrors())) {
            parts.add("after " + (od.consecutiveLocalOriginFailures() == null || od.consecutiveLocalOriginFailures() <= 0
                    ? 5 : od.consecutiveLocalOriginFailures()) + " consecutive local-origin failures");
        }
        parts.add("interval " + format(od.interval() == null ? java.time.Duration.ofSeconds(10) : od.interval()));
        parts.add("base ejection " + format(od.baseEjectionTime() == null ? java.time.Duration.ofSeconds(30) : od.baseEjectionTime()));
        // Istio leaves 0 unset, so Envoy's 10 % applies; Envoy 1.27+ never exceeds it, not even for one endpoint.
        parts.add("at most " + (od.maxEjectionPercent() == null || od.maxEjectionPercent() <= 0 ? 10 : Math.min(100, od.maxEjectionPercent()))
                + "% ejected");
        int minHealth = od.minHealthPercent() == null ? 0 : od.minHealthPercent();
        parts.add(minHealth == 0 ? "no panic threshold" : "panic below " + minHealth + "% healthy");
        return String.join(", ", parts);
    }

    private static String stripZero(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static void add(java.util.List<String> parts, String name, Object value) {
        if (value != null) {
            parts.add(name + " " + (value instanceof java.time.Duration duration ? format(duration) : value));
        }
    }

    private static String format(java.time.Duration duration) {
        return io.inmesh.core.config.Durations.format(duration);
    }
}
