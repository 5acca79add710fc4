package io.inmesh.core.source;

/**
 * Decides when a burst of file events has ended: due a quiet period after the last event, and
 * never later than a maximum delay after the first, so that a directory that never stops changing
 * still gets reloaded.
 *
 * <p>Pure state driven by the caller's clock readings (nanoseconds from any fixed origin, compared
 * by subtraction as {@link System#nanoTime()} must be), so it is tested without a real clock. Not
 * thread-safe: it belongs to the watch thread.
 */
final class Debouncer {

    private final long quietNanos;
    private final long maxDelayNanos;
    private boolean pending;
    private long firstEvent;
    private long lastEvent;

    /**
     * @param quietNanos how long no event must arrive before the burst counts as over
     * @param maxDelayNanos the longest a pending change waits, from its first event, whatever follows
     */
    Debouncer(long quietNanos, long maxDelayNanos) {
        if (quietNanos < 0 || maxDelayNanos < quietNanos) {
            throw new IllegalArgumentException("quiet period " + quietNanos + "ns and maximum delay " + maxDelayNanos
                    + "ns (expected: 0 <= quiet period <= maximum delay)");
        }
        this.quietNanos = quietNanos;
        this.maxDelayNanos = maxDelayNanos;
    }

    /** Records an event seen at {@code now}. */
    void signal(long now) {
        if (!pending) {
            pending = true;
            firstEvent = now;
        }
        lastEvent = now;
    }

    /** Whether an event is waiting to be acted on. */
    boolean isPending() {
        return pending;
    }

    /** When the pending change becomes due; only meaningful while {@link #isPending()}. */
    long deadline() {
        long quiet = lastEvent + quietNanos;
        long cap = firstEvent + maxDelayNanos;
        return quiet - cap < 0 ? quiet : cap;
    }

    /** Whether a pending change is due at {@code now}. */
    boolean isDue(long now) {
        return pending && now - deadline() >= 0;
    }

    /** Forgets the pending change: the caller is acting on it now. */
    void clear() {
        pending = false;
    }
}
