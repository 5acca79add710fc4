package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshRequest;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The consistent-hash balancers: the request's hash (see {@link HashPolicy}) finds its endpoint in a
 * structure built from the endpoints in service, so that a key keeps its endpoint while the set is
 * unchanged and few keys move when it changes. A request without a hash gets a random one. Weights
 * count; slow start does not apply (Envoy supports it for round robin and least request only).
 */
abstract class ConsistentHashBalancer extends LoadBalancer {

    private final HashPolicy hashPolicy;

    ConsistentHashBalancer(RoutingRuntime runtime, OutlierDetector outliers, HashPolicy hashPolicy) {
        super(runtime, outliers);
        this.hashPolicy = hashPolicy;
    }

    @Override
    HashPolicy.Hash hash(MeshRequest request, String source) {
        return hashPolicy == null ? HashPolicy.Hash.NONE : hashPolicy.hash(request, source, runtime);
    }

    /** The request's hash, or a random one for a request without. */
    long hashOrRandom(Long hash) {
        return hash != null ? hash : runtime.rng().nextLong();
    }

    /** {@code hosts} in the order of their keys, so that what is built does not depend on the registry's order. */
    static UpstreamHost[] byKey(UpstreamHost[] hosts) {
        UpstreamHost[] sorted = hosts.clone();
        Arrays.sort(sorted, Comparator.comparing(UpstreamHost::key));
        return sorted;
    }
}
