package io.inmesh.routing.internal;

import io.inmesh.routing.ClusterPolicy;
import io.inmesh.routing.ResolvedSubset;
import io.inmesh.routing.WeightedDestination;

/**
 * A destination resolved to its cluster in one snapshot: the key, the subset as its DestinationRule
 * defines it, the policy in force and the cluster's state, looked up once per snapshot.
 *
 * @param key {@code host|subset|port}
 * @param host the destination host
 * @param subset the subset's name, or {@code null}
 * @param port the destination port
 * @param resolved the subset (or whole service) as its DestinationRule defines it, or {@code null} without a rule
 * @param policy the policy in force for the cluster
 * @param state the cluster's state
 */
public record ResolvedCluster(String key, String host, String subset, int port, ResolvedSubset resolved,
        ClusterPolicy policy, ClusterState state) {

    /** Whether the route names a subset that no DestinationRule defines (Envoy: no cluster, 503 {@code NC}). */
    public boolean missingSubset() {
        return subset != null && resolved == null;
    }

    static ResolvedCluster of(WeightedDestination destination, int requestPort, ResolvedSubset resolved, ClusterStates states) {
        int port = destination.port() != null ? destination.port() : requestPort;
        String key = destination.clusterKey(requestPort);
        ClusterPolicy policy = ClusterPolicy.of(key, resolved, port);
        return new ResolvedCluster(key, destination.host(), destination.subset(), port, resolved, policy, states.of(policy));
    }
}
