package io.inmesh.routing.internal;

/** {@code RANDOM}: any endpoint in service, uniformly, as Envoy's random balancer (which does not weigh endpoints). */
final class RandomBalancer extends LoadBalancer {

    RandomBalancer(RoutingRuntime runtime, OutlierDetector outliers) {
        super(runtime, outliers);
    }

    @Override
    Selector selector(UpstreamHost[] candidates) {
        return (hash, selection) -> candidates[runtime.rng().nextInt(candidates.length)];
    }
}
