package io.inmesh.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    private static final long MS = 1_000_000;

    @Test
    void dueTimesFollowTheRateFromTheStartWithoutDrift() {
        Schedule schedule = new Schedule(1_000, 3000);
        assertThat(schedule.dueAt(0)).isEqualTo(1_000);
        assertThat(schedule.dueAt(1)).isEqualTo(1_000 + 333_333);
        // 3000 intervals of 333 333.33 ns are exactly one second: rounding each one would lose a millisecond.
        assertThat(schedule.dueAt(3000)).isEqualTo(1_000 + 1_000_000_000L);
        assertThat(schedule.count(1_000_000_000L)).isEqualTo(3000);
        assertThat(schedule.count(2_500_000_000L)).isEqualTo(7500);
    }

    @Test
    void aStallCountsForEveryRequestItDelays() {
        // 1000 requests/s for 1 s; each takes 0.1 ms, but the server stalls for 100 ms at t = 500 ms.
        Schedule schedule = new Schedule(0, 1000);
        Histogram corrected = new Histogram(3);
        Histogram fromSend = new Histogram(3);
        long serverFree = 0;
        for (int i = 0; i < 1000; i++) {
            long due = schedule.dueAt(i);
            // A closed-loop generator would only send once the server answered the previous request.
            long sent = Math.max(due, serverFree);
            long start = sent >= 500 * MS && sent < 600 * MS ? 600 * MS : sent;
            long completed = start + MS / 10;
            serverFree = completed;
            corrected.recordValue(schedule.latency(i, completed));
            fromSend.recordValue(completed - sent);
        }
        // Corrected: the ~100 requests due during the stall waited 100 ms down to 1 ms, about 10 % of all.
        assertThat(corrected.getValueAtPercentile(50)).isBetween(MS / 10 - MS / 1000, MS / 10 + MS / 1000);
        assertThat(corrected.getValueAtPercentile(99)).isGreaterThan(80 * MS);
        assertThat(corrected.getValueAtPercentile(95)).isGreaterThan(40 * MS);
        assertThat(corrected.getMaxValue()).isBetween(100 * MS, 102 * MS);
        // From the send time only the one request in flight at the stall sees it: p99 stays at 0.1 ms.
        assertThat(fromSend.getValueAtPercentile(99)).isLessThan(2 * MS);
    }

    @Test
    void refusesARateThatIsNotPositive() {
        assertThatThrownBy(() -> new Schedule(0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ratePerSecond: 0.0");
    }
}
