package io.inmesh.core.source;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Argument checks: none of these starts a watch thread. */
class FileConfigSourceTest {

    @Test
    void refusesANegativeDebounce() {
        assertThatThrownBy(() -> FileConfigSource.watch(List.of(Path.of("rules")), Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("debounce: -1ms (expected: 0ms or more)");
    }

    @Test
    void refusesNoPaths() {
        assertThatThrownBy(() -> FileConfigSource.watch(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("paths: [] (expected at least one file or directory)");
    }

    @Test
    void refusesAZeroPollInterval() {
        assertThatThrownBy(() -> FileConfigSource.Options.withDebounce(Duration.ZERO).pollInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pollInterval: 0ms (expected: more than 0ms)");
    }
}
