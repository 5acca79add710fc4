package io.inmesh.routing.internal;

/**
 * {@code LEAST_REQUEST}, Istio's default: with equal weights, Envoy's power of two choices (two
 * endpoints drawn at random, with replacement, and the one with fewer requests under way wins; a tie
 * keeps the first); with unequal weights or during slow start, earliest deadline first with each
 * endpoint's weight divided by its requests under way plus one (Envoy's active request bias 1.0).
 */
final class LeastRequestBalancer extends LoadBalancer {

    private final SlowStart slowStart;

    LeastRequestBalancer(RoutingRuntime runtime, OutlierDetector outliers, SlowStart slowStart) {
        super(runtime, outliers);
        this.slowStart = slowStart;
    }

    @Override
    Selector selector(UpstreamHost[] candidates) {
        boolean weightsEqual = weightsEqual(candidates);
        long newest = newestFirstSeen(candidates);
        EdfScheduler weighted = weightsEqual && slowStart == null ? null
                : new EdfScheduler(candidates, host -> host.weight()
                        * (slowStart == null ? 1.0 : slowStart.factor(host.activity().firstSeenNanos(), runtime.now()))
                        / (host.activity().activeRequests() + 1));
        return (hash, selection) -> {
            if (weighted == null || (weightsEqual && !slowStart.warming(newest, runtime.now()))) {
                UpstreamHost first = candidates[runtime.rng().nextInt(candidates.length)];
                UpstreamHost second = candidates[runtime.rng().nextInt(candidates.length)];
                return second.activity().activeRequests() < first.activity().activeRequests() ? second : first;
            }
            return weighted.pick();
        };
    }
}
