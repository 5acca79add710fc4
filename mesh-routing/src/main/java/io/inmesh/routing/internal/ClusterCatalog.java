package io.inmesh.routing.internal;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.DestinationRule;
import io.inmesh.core.model.ResourceKind;
import io.inmesh.routing.Caller;
import io.inmesh.routing.WeightedDestination;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clusters of one snapshot as the local workload sees them: each destination resolved once to
 * its subset, policy and state, then served from a map. A snapshot part.
 */
public final class ClusterCatalog {

    private final DestinationRuleIndex rules;
    private final Caller caller;
    private final ClusterStates states;
    private final Map<String, ResolvedCluster> clusters = new ConcurrentHashMap<>();

    public ClusterCatalog(MeshConfig config, LocalWorkload workload, ClusterStates states) {
        this.rules = new DestinationRuleIndex(config.resources(ResourceKind.DESTINATION_RULE, DestinationRule.class));
        this.caller = Caller.of(workload.namespace(), workload.labels());
        this.states = states;
    }

    /** The cluster of {@code destination} for a request sent to {@code requestPort}. */
    public ResolvedCluster resolve(WeightedDestination destination, int requestPort) {
        String key = destination.clusterKey(requestPort);
        ResolvedCluster cluster = clusters.get(key);
        if (cluster == null) {
            cluster = clusters.computeIfAbsent(key, k -> ResolvedCluster.of(destination, requestPort,
                    rules.resolve(destination.host(), destination.subset(), caller), states));
        }
        return cluster;
    }
}
