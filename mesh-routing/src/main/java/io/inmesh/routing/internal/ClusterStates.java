package io.inmesh.routing.internal;

import io.inmesh.core.telemetry.UpstreamClusters;
import io.inmesh.routing.ClusterPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of {@link ClusterState}s of one mesh, keyed by cluster ({@code host|subset|port}). A
 * cluster keeps its state across snapshot swaps while its policy is equal to the one the state was
 * made for; a changed policy replaces the state with a fresh one (counters, ejections and load
 * balancer start over), as Envoy rebuilds a cluster whose configuration changed.
 */
public final class ClusterStates {

    private final Map<String, ClusterState> states = new ConcurrentHashMap<>();
    private final RoutingRuntime runtime;

    public ClusterStates(RoutingRuntime runtime) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
    }

    /** The state for {@code policy}'s cluster: the existing one when made for an equal policy, else a fresh one. */
    public ClusterState of(ClusterPolicy policy) {
        ClusterState state = states.get(policy.cluster());
        if (state != null && state.policy().equals(policy)) {
            return state;
        }
        return states.compute(policy.cluster(),
                (cluster, old) -> old != null && old.policy().equals(policy) ? old : new ClusterState(policy, runtime));
    }

    /** Every cluster's state now, for telemetry; reading it takes no lock of the data path but the pool's own. */
    public UpstreamClusters view() {
        return () -> {
            List<UpstreamClusters.Cluster> clusters = new ArrayList<>(states.size());
            states.values().forEach(state -> clusters.add(describe(state)));
            clusters.sort(Comparator.comparing(UpstreamClusters.Cluster::host)
                    .thenComparing(c -> c.subset() == null ? "" : c.subset()).thenComparingInt(UpstreamClusters.Cluster::port));
            return clusters;
        };
    }

    private static UpstreamClusters.Cluster describe(ClusterState state) {
        // The cluster's key is host|subset|port (the subset empty for none), as ClusterPolicy builds it.
        String[] key = state.policy().cluster().split("\\|", -1);
        String host = key[0];
        String subset = key.length > 1 && !key[1].isEmpty() ? key[1] : null;
        int port = key.length > 2 ? parsePort(key[2]) : 0;
        ClusterLoad load = state.load();
        ConnectionLimits limits = state.limits();
        RetryLimiter retries = state.retries();
        int active = load.activeRequests.get();
        int pending = load.pendingRequests.get();
        return new UpstreamClusters.Cluster(host, subset, port, active, pending, retries.active(),
                state.outliers().ejectedCount(),
                limits.maxConnections() != ConnectionLimits.UNLIMITED && limits.connectionsInUse() >= limits.maxConnections(),
                limits.maxPendingRequests() != ConnectionLimits.UNLIMITED && pending >= limits.maxPendingRequests(),
                limits.maxRequests() != ConnectionLimits.UNLIMITED && active >= limits.maxRequests(),
                retries.active() >= retries.limit());
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** How many clusters have state. */
    public int size() {
        return states.size();
    }
}
