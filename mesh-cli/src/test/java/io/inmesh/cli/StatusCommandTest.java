package io.inmesh.cli;

import static io.inmesh.cli.MeshRun.mesh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inmesh.controlplane.ControlPlane;
import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.source.ControlPlaneConfigSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mesh status} against a real control plane with a real mesh connected to it over loopback. */
class StatusCommandTest {

    private static final String VIRTUAL_SERVICE = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              hosts: [reviews]
              http:
              - route:
                - destination: {host: reviews}
                  weight: %d
            """;

    @TempDir
    Path rules;

    @Test
    void listsEachWorkloadWithTheVersionItAckedAndTheLastRefusal() throws IOException {
        Path reviews = Files.writeString(rules.resolve("reviews.yaml"), VIRTUAL_SERVICE.formatted(100));
        LocalWorkload productpage = LocalWorkload.of("productpage-v1", "bookinfo", Map.of("app", "productpage"));
        try (ControlPlane controlPlane = ControlPlane.builder(rules).build().start();
                Mesh mesh = Mesh.builder().workload(productpage)
                        .configSource(ControlPlaneConfigSource.connect(List.of(controlPlane.uri()), productpage,
                                ControlPlaneConfigSource.Options.defaults().instance("pod-1")))
                        .build()) {
            String url = controlPlane.uri().toString();
            await().atMost(Duration.ofSeconds(10)).until(() -> mesh("status", "--control-plane", url).exitCode() == MeshCommand.OK);

            MeshRun run = mesh("status", "--control-plane", url);
            assertThat(run.outLines().get(0)).startsWith("control plane " + url + ": version 1 (").endsWith(", 1 documents");
            assertThat(run.outLines().get(1)).startsWith("NAMESPACE  NAME            INSTANCE  CONNECTED  SENT");
            assertThat(run.outLines().get(2)).matches("bookinfo   productpage-v1  pod-1     yes        1 \\(\\p{XDigit}{12}…\\)  1 +ACK  .*");

            // An invalid edit is refused: the version stays, the refusal names the file, field and value.
            Files.writeString(reviews, VIRTUAL_SERVICE.formatted(-5));
            await().atMost(Duration.ofSeconds(10)).until(() -> mesh("status", "--control-plane", url).out().contains("last refusal"));
            MeshRun refused = mesh("status", "--control-plane", url);
            assertThat(refused.exitCode()).as("the workload still runs the published version").isEqualTo(MeshCommand.OK);
            assertThat(refused.outLines().get(1)).startsWith("last refusal: INVALID at ").contains("kept version 1: reviews.yaml:11:")
                    .contains("VirtualService/bookinfo/reviews: spec.http[0].route[0].weight");

            MeshRun json = mesh("status", "--control-plane", url, "--json");
            assertThat(json.out()).startsWith("{").contains("\"instance\":\"pod-1\"").contains("\"status\":\"ACK\"");
        }
    }

    @Test
    void aWorkloadBehindThePublishedVersionMakesTheExitStatusOne() throws IOException {
        Path reviews = Files.writeString(rules.resolve("reviews.yaml"), VIRTUAL_SERVICE.formatted(100));
        LocalWorkload productpage = LocalWorkload.of("productpage-v1", "bookinfo", Map.of("app", "productpage"));
        try (ControlPlane controlPlane = ControlPlane.builder(rules).build().start()) {
            String url = controlPlane.uri().toString();
            try (Mesh mesh = Mesh.builder().workload(productpage)
                    .configSource(ControlPlaneConfigSource.connect(List.of(controlPlane.uri()), productpage))
                    .build()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> mesh("status", "--control-plane", url).exitCode() == MeshCommand.OK);
            }
            // The mesh is gone; the next version is never ACKed by it.
            Files.writeString(reviews, VIRTUAL_SERVICE.formatted(90));
            await().atMost(Duration.ofSeconds(10)).until(() -> mesh("status", "--control-plane", url).out().contains(": version 2 ("));
            MeshRun run = mesh("status", "--control-plane", url);
            assertThat(run.exitCode()).isEqualTo(MeshCommand.FAILED);
            assertThat(run.outLines().get(2)).contains(" no ").contains("ACK");
        }
    }

    @Test
    void anUnreachableControlPlaneOrAMissingTokenIsAClearFailure() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        MeshRun unreachable = mesh("status", "--control-plane", "http://127.0.0.1:" + closedPort);
        assertThat(unreachable.exitCode()).isEqualTo(MeshCommand.FAILED);
        assertThat(unreachable.err()).startsWith("mesh status: cannot ask http://127.0.0.1:" + closedPort);

        Files.writeString(rules.resolve("reviews.yaml"), VIRTUAL_SERVICE.formatted(100));
        try (ControlPlane controlPlane = ControlPlane.builder(rules).token("s3cret").build().start()) {
            MeshRun refused = mesh("status", "--control-plane", controlPlane.uri().toString());
            assertThat(refused.exitCode()).isEqualTo(MeshCommand.FAILED);
            assertThat(refused.err()).contains("answered 401 (a bearer token is required: --token-file)");

            Path token = Files.writeString(rules.resolve("token"), "s3cret\n");
            MeshRun allowed = mesh("status", "--control-plane", controlPlane.uri().toString(), "--token-file", token.toString());
            assertThat(allowed.exitCode()).as(allowed.err()).isEqualTo(MeshCommand.OK);
            assertThat(allowed.out()).contains("no workload connected or seen in the last hour");
        }

        MeshRun missingToken = mesh("status", "--control-plane", "http://127.0.0.1:" + closedPort,
                "--token-file", rules.resolve("no-such-token").toString());
        assertThat(missingToken.exitCode()).isEqualTo(MeshCommand.USAGE);
        assertThat(missingToken.err()).startsWith("mesh status: --token-file: " + rules.resolve("no-such-token") + ": cannot read it");

        MeshRun usage = mesh("status", "--control-plane", "ftp://example");
        assertThat(usage.exitCode()).isEqualTo(MeshCommand.USAGE);
        assertThat(usage.err()).contains("--control-plane: ftp://example (expected: an http or https URL");
    }
}
