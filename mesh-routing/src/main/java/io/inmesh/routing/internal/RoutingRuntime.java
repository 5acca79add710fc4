package io.inmesh.routing.internal;

import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The time and randomness the routing steps use, injected so that tests decide them: weighted and
 * percentage draws, back-off jitter and random load balancing come from {@code random}; ejection
 * times, warm-up and budgets read {@code nanoTime}. Timeouts run on Reactor's parallel scheduler.
 *
 * @param random the source of random draws, asked once per draw
 * @param nanoTime a monotonic clock in nanoseconds, as {@link System#nanoTime()}
 */
public record RoutingRuntime(Supplier<RandomGenerator> random, LongSupplier nanoTime) {

    public RoutingRuntime {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** A random generator for one draw. */
    public RandomGenerator rng() {
        return random.get();
    }

    /** The monotonic clock now, in nanoseconds. */
    public long now() {
        return nanoTime.getAsLong();
    }
}
