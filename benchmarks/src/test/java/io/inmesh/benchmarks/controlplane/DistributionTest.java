package io.inmesh.benchmarks.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DistributionTest {

    @Test
    void percentilesAreNearestRankValuesOfTheMeasurements() {
        List<Double> values = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            values.add((double) i);
        }
        Collections.shuffle(values, new Random(7));

        Distribution d = Distribution.of(values);

        assertThat(d.count()).isEqualTo(100);
        assertThat(d.min()).isEqualTo(1.0);
        assertThat(d.p50()).isEqualTo(50.0);
        assertThat(d.p90()).isEqualTo(90.0);
        assertThat(d.p99()).isEqualTo(99.0); // not 100: 0.99 × 100 must not round up to rank 100
        assertThat(d.max()).isEqualTo(100.0);
    }

    @Test
    void withTwentyEditsP99IsTheSlowestAndP50TheTenth() {
        List<Double> values = new ArrayList<>();
        for (int i = 20; i >= 1; i--) {
            values.add(i * 10.0);
        }

        Distribution d = Distribution.of(values);

        assertThat(d.p50()).isEqualTo(100.0);
        assertThat(d.p99()).isEqualTo(200.0);
    }

    @Test
    void oneValueIsEveryPercentile() {
        Distribution d = Distribution.of(List.of(3.5));

        assertThat(List.of(d.min(), d.p50(), d.p90(), d.p99(), d.max())).containsOnly(3.5);
    }

    @Test
    void noValueIsAnErrorThatSaysWhatWasExpected() {
        assertThatThrownBy(() -> Distribution.of(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("values: [] (expected at least one measurement)");
        assertThatThrownBy(() -> Distribution.percentile(new double[] {1}, 0))
                .hasMessage("p: 0.0 (expected: more than 0, at most 100)");
    }
}
