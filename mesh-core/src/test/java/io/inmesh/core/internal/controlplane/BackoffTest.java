package io.inmesh.core.internal.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Full jitter, doubling windows, the cap and the reset, with seeded random numbers. */
class BackoffTest {

    @Test
    void windowsDoubleFromTheBaseUpToTheCap() {
        Backoff backoff = new Backoff(30_000, new Random(1));
        List<Long> windows = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            windows.add(backoff.window());
            long delay = backoff.next();
            assertThat(delay).isBetween(0L, windows.get(i));
        }
        assertThat(windows).containsExactly(1000L, 2000L, 4000L, 8000L, 16_000L, 30_000L, 30_000L, 30_000L);
    }

    @Test
    void delaysNeverExceedTheCapEvenAfterManyAttempts() {
        Backoff backoff = new Backoff(30_000, new Random(2));
        backoff.base(5000);
        long max = 0;
        for (int i = 0; i < 10_000; i++) {
            max = Math.max(max, backoff.next());
        }
        assertThat(max).isBetween(29_000L, 30_000L); // reached, never passed
        assertThat(backoff.window()).isEqualTo(30_000);
    }

    @Test
    void theServersRetryIsTheBaseAndAnEventResetsTheAttempts() {
        Backoff backoff = new Backoff(30_000, new Random(3));
        backoff.base(200);
        backoff.next();
        backoff.next();
        assertThat(backoff.window()).isEqualTo(800);
        backoff.reset();
        assertThat(backoff.attempt()).isEqualTo(1);
        assertThat(backoff.window()).isEqualTo(200);
        backoff.base(0);
        assertThat(backoff.next()).isZero();
    }

    @Test
    void aRejectionWaitsBetweenHalfTheCapAndTheCap() {
        Backoff backoff = new Backoff(30_000, new Random(4));
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            long delay = backoff.afterRejection();
            assertThat(delay).isBetween(15_000L, 30_000L);
            seen.add(delay);
        }
        assertThat(seen).hasSizeGreaterThan(900); // jittered, not one instant
    }

    /**
     * A thousand workloads lose the same control plane at once: their reconnects spread evenly over
     * each attempt's window (every tenth of it gets between 5% and 15% of them), and no two follow
     * the same schedule.
     */
    @Test
    void manyWorkloadsReconnectSpreadOutNeverTogether() {
        Random seeds = new Random(42);
        int workloads = 1000;
        int attempts = 6;
        long[][] schedules = new long[workloads][attempts];
        for (int w = 0; w < workloads; w++) {
            Backoff backoff = new Backoff(30_000, new Random(seeds.nextLong()));
            for (int a = 0; a < attempts; a++) {
                schedules[w][a] = backoff.next();
            }
        }
        long[] windows = {1000, 2000, 4000, 8000, 16_000, 30_000};
        for (int a = 0; a < attempts; a++) {
            int[] buckets = new int[10];
            Set<Long> distinct = new HashSet<>();
            for (int w = 0; w < workloads; w++) {
                assertThat(schedules[w][a]).isBetween(0L, windows[a]);
                buckets[(int) Math.min(9, schedules[w][a] * 10 / windows[a])]++;
                distinct.add(schedules[w][a]);
            }
            for (int bucket : buckets) {
                assertThat(bucket).as("attempt %d, buckets %s", a + 1, java.util.Arrays.toString(buckets)).isBetween(50, 150);
            }
            // Uniform draws of n among m values give m(1 - e^(-n/m)) distinct ones on average; a synchronized herd, far fewer.
            double m = windows[a] + 1;
            double expected = m * (1 - Math.exp(-workloads / m));
            assertThat(distinct).as("distinct delays of attempt %d", a + 1).hasSizeGreaterThan((int) (0.95 * expected));
        }
        Set<List<Long>> distinctSchedules = new HashSet<>();
        for (long[] schedule : schedules) {
            distinctSchedules.add(java.util.Arrays.stream(schedule).boxed().toList());
        }
        assertThat(distinctSchedules).hasSize(workloads);
    }
}
