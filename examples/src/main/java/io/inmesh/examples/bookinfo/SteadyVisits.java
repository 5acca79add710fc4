package io.inmesh.examples.bookinfo;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;

/**
 * Product page visits at a steady rate, as users arrive whatever the site does (an open loop: a
 * slow page does not slow the arrivals), counted window by window. Never blocks.
 */
final class SteadyVisits {

    /** Visits in flight at most; arrivals beyond it are not made (the window's count shows it). */
    static final int MAX_IN_FLIGHT = 256;

    private SteadyVisits() {
    }

    /**
     * Visits of {@code users} at {@code perSecond}, tallied every {@code every}; each window carries
     * the rules the meshes ran on at its end, as {@code rules} gives them. Runs until cancelled.
     */
    static Flux<SplitWindow> windows(Users users, int perSecond, Duration every, Supplier<Map<String, String>> rules) {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(rules, "rules");
        if (perSecond < 1) {
            throw new IllegalArgumentException("rate " + perSecond + " (expected 1 or more visits a second)");
        }
        Clock clock = Clock.systemUTC();
        return Flux.defer(() -> {
            AtomicLong opened = new AtomicLong(System.nanoTime());
            return Flux.interval(Duration.ofNanos(1_000_000_000L / perSecond))
                    .onBackpressureDrop()
                    .flatMap(tick -> users.visit(null), MAX_IN_FLIGHT)
                    .window(every)
                    .concatMap(window -> window.reduceWith(Tally::new, Tally::add).map(tally -> {
                        long closed = System.nanoTime();
                        return new SplitWindow(opened.getAndSet(closed), closed, clock.instant(), tally, rules.get());
                    }));
        });
    }
}
