package io.inmesh.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;

/** What the access-log settings turn on, and that off adds nothing to the stacks. */
class AccessLogSettingsTest {

    @Test
    void accessLogsOffWithEverythingElseOffAddNoStepToEitherStack() {
        MeshTelemetry off = MeshTelemetry.builder(OpenTelemetry.noop()).metrics(false).tracing(false).accessLog(AccessLog.off()).build();
        assertThat(off.clientInterceptors()).isEmpty();
        assertThat(off.serverInterceptors()).isEmpty();
    }

    @Test
    void accessLogsOnAddTheTelemetryStepToBothStacks() {
        MeshTelemetry on = MeshTelemetry.builder(OpenTelemetry.noop()).metrics(false).tracing(false)
                .accessLog(AccessLog.json().sampled(0.5).to(line -> { })).build();
        assertThat(on.clientInterceptors()).hasSize(1);
        assertThat(on.serverInterceptors()).hasSize(1);
    }

    @Test
    void aSampleRatioOutsideItsRangeIsRefusedWithTheValue() {
        assertThatThrownBy(() -> AccessLog.text().sampled(0)).hasMessage("sample ratio 0.0 (expected more than 0 and at most 1)");
        assertThatThrownBy(() -> AccessLog.text().sampled(1.5)).hasMessageContaining("1.5");
        assertThat(AccessLog.text().sampled(0.25).sampleRatio()).isEqualTo(0.25);
    }
}
