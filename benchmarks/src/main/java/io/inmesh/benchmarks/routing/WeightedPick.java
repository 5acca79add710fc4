package io.inmesh.benchmarks.routing;

import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.WeightedDestination;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link RouteDecision#pick} among {@code destinations} weighted destinations (2: a 90/10 canary;
 * 10: uneven weights summing to 100), with a {@link SplittableRandom} as the route step's runtime
 * gives one per thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class WeightedPick {

    @Param({"2", "10"})
    public int destinations;

    private RouteDecision decision;
    private final SplittableRandom random = new SplittableRandom(42);

    @Setup
    public void build() {
        List<WeightedDestination> weighted = new ArrayList<>();
        if (destinations == 2) {
            weighted.add(new WeightedDestination("reviews.bookinfo.svc.cluster.local", "v2", 9080, 90));
            weighted.add(new WeightedDestination("reviews.bookinfo.svc.cluster.local", "v3", 9080, 10));
        } else {
            int[] weights = {30, 20, 10, 10, 8, 7, 5, 5, 3, 2};
            for (int i = 0; i < destinations; i++) {
                weighted.add(new WeightedDestination("reviews.bookinfo.svc.cluster.local", "v" + i, 9080, weights[i % weights.length]));
            }
        }
        decision = new RouteDecision(RouteDecision.Outcome.ROUTED, "bookinfo/reviews", "split", 0, null, weighted);
    }

    @Benchmark
    public WeightedDestination pick() {
        return decision.pick(random);
    }
}
