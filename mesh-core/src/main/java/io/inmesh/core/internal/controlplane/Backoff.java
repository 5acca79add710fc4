package io.inmesh.core.internal.controlplane;

import java.util.random.RandomGenerator;

/**
 * The reconnect delays of protocol §4: full jitter. Before attempt {@code n} the delay is uniform in
 * {@code [0, min(cap, base × 2^(n-1))]}, so that many workloads that lost the same control plane at
 * the same instant come back spread over the whole window; {@code n} returns to 1 after a stream
 * delivered an event. A rejected request (400, 401) waits near the cap instead: uniform in
 * {@code [cap/2, cap]}, never soon (retrying does not fix a bad token) but still spread.
 *
 * <p>Not thread-safe: one reconnect loop owns it.
 */
public final class Backoff {

    /** The base when the server sent no {@code retry}. */
    public static final long DEFAULT_BASE_MILLIS = 1000;

    private final long capMillis;
    private final RandomGenerator random;
    private long baseMillis = DEFAULT_BASE_MILLIS;
    private int attempt = 1;

    public Backoff(long capMillis, RandomGenerator random) {
        if (capMillis <= 0) {
            throw new IllegalArgumentException("cap: " + capMillis + "ms (expected: more than 0ms)");
        }
        this.capMillis = capMillis;
        this.random = random;
    }

    /** The server's {@code retry} value, the base of later delays. */
    public void base(long millis) {
        this.baseMillis = Math.max(0, millis);
    }

    /** A stream delivered an event: the next failure starts again at attempt 1. */
    public void reset() {
        attempt = 1;
    }

    /** The attempt the next {@link #next()} is for, 1-based. */
    public int attempt() {
        return attempt;
    }

    /** The upper bound of the delay before the next attempt: {@code min(cap, base × 2^(n-1))}. */
    public long window() {
        int shift = Math.min(attempt - 1, 62);
        long scaled = baseMillis > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : baseMillis << shift;
        return Math.min(capMillis, scaled);
    }

    /** The delay before the next attempt after a failure, in ms; counts the attempt. */
    public long next() {
        long window = window();
        if (attempt < Integer.MAX_VALUE) {
            attempt++;
        }
        return window == 0 ? 0 : random.nextLong(window + 1);
    }

    /** The delay after a 400 or 401, in ms: uniform in {@code [cap/2, cap]}. */
    public long afterRejection() {
        long half = capMillis / 2;
        return half + random.nextLong(capMillis - half + 1);
    }
}
