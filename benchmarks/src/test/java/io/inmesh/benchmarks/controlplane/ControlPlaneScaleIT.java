package io.inmesh.benchmarks.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * A tiny run of the benchmark, end to end: a real control plane in its own JVM, real streams and
 * reports over loopback. Checks that the harness measures what it says (every workload counted, the
 * order of events respected), not how fast anything is.
 */
class ControlPlaneScaleIT {

    @TempDir
    Path output;

    @ParameterizedTest(name = "--client {0}")
    @ValueSource(strings = {"source", "protocol"})
    void fiveWorkloadsAckTwoEditsAndTheResultsSaySo(String client) throws Exception {
        StringWriter console = new StringWriter();
        CommandLine command = ControlPlaneScale.commandLine();
        command.setOut(new PrintWriter(console, true));
        command.setErr(new PrintWriter(console, true));

        int status = command.execute("--client", client, "--workloads", "5", "--edits", "2", "--warmup-edits", "1", "--team-namespaces", "2",
                "--service-entries", "2", "--timeout-s", "60", "--output", output.toString(), "--name", "tiny");

        assertThat(status).as(console.toString()).isZero();
        JsonNode result = new ObjectMapper().readTree(output.resolve("tiny.json").toFile());
        assertThat(result.path("settings").path("workloads").asInt()).isEqualTo(5);
        assertThat(result.path("settings").path("client").asText()).isEqualTo(client);
        assertThat(result.path("settings").path("resources").asInt()).isEqualTo(6 + 2 * 4);
        JsonNode edits = result.path("edits");
        assertThat(edits).hasSize(3);
        assertThat(edits.get(0).path("warmup").asBoolean()).isTrue();
        long previousVersion = 1;
        for (JsonNode edit : edits) {
            // One version per edit, in order; each one published, received, then ACKed, then seen in /status.
            assertThat(edit.path("version").asLong()).isEqualTo(previousVersion + 1);
            previousVersion = edit.path("version").asLong();
            assertThat(edit.path("publishedMs").asDouble()).isPositive();
            assertThat(edit.path("firstReceivedMs").asDouble()).isGreaterThanOrEqualTo(edit.path("publishedMs").asDouble() - 1);
            assertThat(edit.path("lastAckMs").asDouble()).isGreaterThanOrEqualTo(edit.path("firstAckMs").asDouble());
            assertThat(edit.path("firstAckMs").asDouble()).isGreaterThanOrEqualTo(edit.path("firstReceivedMs").asDouble() - 1);
            assertThat(edit.path("statusSawAllAckedMs").asDouble()).isGreaterThanOrEqualTo(edit.path("lastAckMs").asDouble() - 1);
        }
        // Warm-up edits are not counted: 2 edits, 5 ACKs each.
        assertThat(result.path("allAckedMs").path("count").asInt()).isEqualTo(2);
        assertThat(result.path("perWorkloadAckMs").path("count").asInt()).isEqualTo(10);
        assertThat(result.path("perWorkloadReceivedMs").path("count").asInt()).isEqualTo(10);
        assertThat(result.path("controlPlaneCpuMsPerEdit").path("count").asInt()).isEqualTo(2);
        assertThat(result.path("connectControlPlaneCpuMs").asLong()).isPositive();
        assertThat(result.path("heap").path("controlPlaneUsedIdleBytes").asLong()).isPositive();
        assertThat(result.path("heap").path("controlPlaneUsedConnectedBytes").asLong()).isPositive();
        assertThat(result.path("machine").path("cores").asInt()).isPositive();
        assertThat(Files.readString(output.resolve("tiny.md")))
                .contains("| all workloads ACKed (per edit) | 2 |", "| control plane (own JVM) |", "| 1 (warm-up) | 2 |");
        assertThat(console.toString()).contains("all 5 ACKed:", "control plane heap per connected workload:");
    }
}
