package io.inmesh.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The debounce decision on a fake clock: times are plain nanosecond readings. */
class DebouncerTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Debouncer debouncer = new Debouncer(100 * MS, 1000 * MS);

    @Test
    void nothingIsDueWithoutAnEvent() {
        assertThat(debouncer.isPending()).isFalse();
        assertThat(debouncer.isDue(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void anEventIsDueOneQuietPeriodLater() {
        debouncer.signal(0);

        assertThat(debouncer.deadline()).isEqualTo(100 * MS);
        assertThat(debouncer.isDue(99 * MS)).isFalse();
        assertThat(debouncer.isDue(100 * MS)).isTrue();
    }

    @Test
    void eachEventOfABurstPushesTheDeadlineBack() {
        debouncer.signal(0);
        debouncer.signal(50 * MS);
        debouncer.signal(120 * MS);

        assertThat(debouncer.isDue(200 * MS)).isFalse();
        assertThat(debouncer.isDue(220 * MS)).isTrue();
    }

    @Test
    void aBurstThatNeverEndsIsDueAtTheMaximumDelay() {
        for (long t = 0; t <= 2000 * MS; t += 50 * MS) {
            debouncer.signal(t);
            if (debouncer.isDue(t)) {
                assertThat(t).isEqualTo(1000 * MS);
                return;
            }
        }
        throw new AssertionError("never due");
    }

    @Test
    void clearingStartsTheNextBurstAfresh() {
        debouncer.signal(0);
        debouncer.signal(900 * MS);
        debouncer.clear();

        assertThat(debouncer.isDue(2000 * MS)).isFalse();
        debouncer.signal(2000 * MS);
        assertThat(debouncer.deadline()).isEqualTo(2100 * MS);
    }

    @Test
    void worksAcrossTheWrapOfTheNanosecondCounter() {
        long start = Long.MAX_VALUE - 30 * MS;
        debouncer.signal(start);

        assertThat(debouncer.isDue(start + 99 * MS)).isFalse();
        assertThat(debouncer.isDue(start + 100 * MS)).isTrue();
    }

    @Test
    void aZeroQuietPeriodIsDueAtOnce() {
        Debouncer immediate = new Debouncer(0, 0);
        immediate.signal(42);

        assertThat(immediate.isDue(42)).isTrue();
    }

    @Test
    void refusesAMaximumDelayShorterThanTheQuietPeriod() {
        assertThatThrownBy(() -> new Debouncer(100, 50))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("quiet period 100ns and maximum delay 50ns (expected: 0 <= quiet period <= maximum delay)");
    }
}
