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
}
