package io.inmesh.routing.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ROUND_ROBIN}: the endpoints take turns, in the registry's order from a random start; with
 * unequal weights, or while an endpoint warms up under slow start, turns follow the weights (earliest
 * deadline first), as Envoy's round robin does.
 */
final class RoundRobinBalancer extends LoadBalancer {

    private final SlowStart slowStart;

    RoundRobinBalancer(RoutingRuntime runtime, OutlierDetector outliers, SlowStart slowStart) {
        super(runtime, outliers);
        this.slowStart = slowStart;
    }

    @Override
    Selector selector(UpstreamHost[] candidates) {
        boolean weightsEqual = weightsEqual(candidates);
        long newest = newestFirstSeen(candidates);
        AtomicLong turn = new AtomicLong(runtime.rng().nextInt(candidates.length));
        EdfScheduler weighted = weightsEqual && slowStart == null ? null
                : new EdfScheduler(candidates, host -> host.weight()
                        * (slowStart == null ? 1.0 : slowStart.factor(host.activity().firstSeenNanos(), runtime.now())));
        return (hash, selection) -> {
            if (weighted == null || (weightsEqual && !slowStart.warming(newest, runtime.now()))) {
                return candidates[(int) Math.floorMod(turn.getAndIncrement(), (long) candidates.length)];
            }
            return weighted.pick();
        };
    }
}
