package io.inmesh.routing.internal;

import io.inmesh.routing.ClusterPolicy;
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

    /** How many clusters have state. */
    public int size() {
        return states.size();
    }
}
