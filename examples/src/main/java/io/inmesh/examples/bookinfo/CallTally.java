package io.inmesh.examples.bookinfo;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Calls counted by outcome ({@code 200}, {@code 503 UO}, ...), with the slowest of each. Built by
 * one thread (a reduction), then read.
 */
public final class CallTally {

    /** The outcome of a call answered 200. */
    public static final String OK = "200";
    /** A call the circuit breaker refused: 503 with Envoy's flag {@code UO}, upstream overflow. */
    public static final String OVERFLOW = "503 UO";

    /**
     * One call.
     *
     * @param outcome {@code 200}, {@code 503 UO}, or what else happened
     * @param elapsedNanos from the call until its answer or failure
     */
    public record Call(String outcome, long elapsedNanos) {
    }

    private final TreeMap<String, Integer> counts = new TreeMap<>();
    private final TreeMap<String, Long> slowest = new TreeMap<>();
    private int calls;

    /** Counts one call; returns this tally. */
    public CallTally add(Call call) {
        calls++;
        counts.merge(call.outcome(), 1, Integer::sum);
        slowest.merge(call.outcome(), call.elapsedNanos(), Math::max);
        return this;
    }

    /** All calls. */
    public int calls() {
        return calls;
    }

    /** Calls with {@code outcome}. */
    public int count(String outcome) {
        return counts.getOrDefault(outcome, 0);
    }

    /** Calls answered 200. */
    public int ok() {
        return count(OK);
    }

    /** Calls the circuit breaker refused: 503, flag {@code UO}. */
    public int overflowed() {
        return count(OVERFLOW);
    }

    /** Calls that neither answered 200 nor overflowed. */
    public int other() {
        return calls - ok() - overflowed();
    }

    /** The outcomes with their counts, by outcome. */
    public Map<String, Integer> outcomes() {
        return Collections.unmodifiableMap(new TreeMap<>(counts));
    }

    /** The slowest call with {@code outcome}; zero when there was none. */
    public Duration slowest(String outcome) {
        return Duration.ofNanos(slowest.getOrDefault(outcome, 0L));
    }

    @Override
    public String toString() {
        return calls + " calls: " + counts;
    }
}
