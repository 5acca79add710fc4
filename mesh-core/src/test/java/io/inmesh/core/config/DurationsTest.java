package io.inmesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations as Istio's YAML writes them (Go's {@code time.ParseDuration} syntax). */
class DurationsTest {

    @ParameterizedTest(name = "{0} is {1} ns")
    @CsvSource({
        "1.5s,          1500000000",
        "300ms,         300000000",
        "1m30s,         90000000000",
        "2h,            7200000000000",
        "0.5s,          500000000",
        "10us,          10000",
        "10µs,          10000",
        "10μs,          10000",
        "7ns,           7",
        ".5s,           500000000",
        "5.s,           5000000000",
        "1h2m3s4ms5us6ns, 3723004005006",
        "0s,            0",
        "0,             0",
        "+2s,           2000000000",
        "-1s,           -1000000000",
        "-1.5h,         -5400000000000",
        "9223372036854775807ns, 9223372036854775807",
    })
    void parsesIstioDurations(String text, long nanos) {
        assertThat(Durations.parse(text)).contains(Duration.ofNanos(nanos));
    }

    @ParameterizedTest(name = "\"{0}\" is not a duration")
    @NullAndEmptySource
    @ValueSource(strings = {
        "5", "s", "1.2.3s", "-", "+", ".s", "1S", "1sec", "1 s", " 1s", "1s ", "1e3s", "1_000s", "1sm", "ms",
        "١s", "9223372036854775808ns", "99999999999999999999h", "00"})
    void refusesWhatIsNotADuration(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @Test
    void fractionsBelowANanosecondAreCutOff() {
        assertThat(Durations.parse("1.9ns")).contains(Duration.ofNanos(1));
    }

    @ParameterizedTest(name = "{0} formats as {1}")
    @CsvSource({
        "PT1.5S,       1.5s",
        "PT0.3S,       300ms",
        "PT1M30S,      90s",
        "PT2H,         7200s",
        "PT0S,         0s",
        "PT0.00001S,   0.00001s",
        "PT0.000000001S, 0.000000001s",
        "PT-1S,        -1s",
        "PT-0.3S,      -0.3s",
    })
    void formatsTheShortestFormIstioAccepts(Duration duration, String text) {
        assertThat(Durations.format(duration)).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0} round-trips")
    @ValueSource(strings = {"1.5s", "300ms", "1m30s", "2h", "0.5s", "10us", "1ns", "0s", "-1s", "-250ms", "36h0m0.001s"})
    void formatRoundTrips(String text) {
        Duration duration = Durations.parse(text).orElseThrow();

        assertThat(Durations.parse(Durations.format(duration))).contains(duration);
    }
}
