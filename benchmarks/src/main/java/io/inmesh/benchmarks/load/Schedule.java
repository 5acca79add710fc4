package io.inmesh.benchmarks.load;

/**
 * When each request of an open-loop, constant-rate run is due. Latency is counted from the due
 * time, not from when the request was actually sent: if the system under test (or the machine)
 * stalls, the requests that should have gone out meanwhile are late, and a closed-loop or
 * send-time measurement would leave that wait out (coordinated omission). Due times are computed
 * from the start, never by adding intervals, so rounding does not drift the rate.
 */
public record Schedule(long startNanos, double ratePerSecond) {

    public Schedule {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("ratePerSecond: " + ratePerSecond + " (expected more than 0)");
        }
    }

    /** The {@link System#nanoTime()} at which request {@code index} (from 0) is due. */
    public long dueAt(long index) {
        return startNanos + (long) (index * 1e9 / ratePerSecond);
    }

    /** How many requests are due in {@code nanos} from the start. */
    public long count(long nanos) {
        return (long) Math.floor(nanos * ratePerSecond / 1e9);
    }

    /** The latency of request {@code index} that completed at {@code completedNanos}: from its due time. */
    public long latency(long index, long completedNanos) {
        return completedNanos - dueAt(index);
    }
}
