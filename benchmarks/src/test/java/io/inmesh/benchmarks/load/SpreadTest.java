package io.inmesh.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValueAndTheRangeIsMinToMax() {
        assertThat(Spread.of(List.of(3.0, 1.0, 2.0, 9.0, 4.0))).isEqualTo(new Spread(3.0, 1.0, 9.0));
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
        assertThat(Spread.of(List.of(4.0, 1.0, 2.0, 8.0))).isEqualTo(new Spread(3.0, 1.0, 8.0));
    }

    @Test
    void minusShiftsAllThreeByTheReference() {
        assertThat(new Spread(0.5, 0.4, 0.9).minus(0.3).median()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void refusesNoValuesAndNaN() {
        assertThatThrownBy(() -> Spread.of(List.of())).hasMessageContaining("at least one window");
        assertThatThrownBy(() -> Spread.of(List.of(1.0, Double.NaN))).hasMessageContaining("NaN");
    }

    @Test
    void readsUtimePlusStimeFromProcStatEvenWithSpacesInTheName() {
        String stat = "4242 (java thread (x)) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 567 0 0 20 0 30 0 100 3000000000 40000";
        assertThat(SutProcess.parseCpuTicks(stat)).isEqualTo(1234 + 567);
    }
}
