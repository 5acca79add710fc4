package io.inmesh.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.model.Resource;
import io.inmesh.core.source.ControlPlaneConfigSource;
import io.inmesh.core.testing.BlockHoundExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two halves of the protocol together: a {@link Mesh} fed by mesh-core's
 * {@link ControlPlaneConfigSource} from this control plane, over loopback. The mesh applies each
 * version the directory publishes, and the control plane's status shows its ACKs.
 */
@ExtendWith(BlockHoundExtension.class)
class WorkloadClientIT {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @TempDir
    Path rules;

    @Test
    void aMeshFollowsTheDirectoryAndItsAcksShowInStatus() throws IOException {
        Files.createDirectories(rules.resolve("bookinfo"));
        Path reviews = rules.resolve("bookinfo/reviews.yaml");
        Files.writeString(reviews, RuleFiles.virtualService("bookinfo", "reviews", "reviews", 80)
                + "---\n" + RuleFiles.destinationRule("bookinfo", "reviews", "reviews"));
        LocalWorkload productpage = LocalWorkload.of("productpage-v1", "bookinfo", Map.of("app", "productpage", "version", "v1"));

        try (ControlPlane controlPlane = ControlPlane.builder(rules).build().start();
                Mesh mesh = Mesh.builder().workload(productpage)
                        .configSource(ControlPlaneConfigSource.connect(List.of(controlPlane.uri()), productpage,
                                ControlPlaneConfigSource.Options.defaults().instance("pod-1")))
                        .build()) {
            await().atMost(PATIENCE).until(() -> resources(mesh).equals(List.of("VirtualService/bookinfo/reviews",
                    "DestinationRule/bookinfo/reviews")));
            await().atMost(PATIENCE).until(() -> "ACK".equals(workload(controlPlane).path("status").asText()));
            assertThat(workload(controlPlane).path("reportedVersion").asLong()).isEqualTo(1);
            assertThat(workload(controlPlane).path("instance").asText()).isEqualTo("pod-1");

            Files.writeString(reviews, RuleFiles.virtualService("bookinfo", "reviews", "reviews", 30));
            await().atMost(PATIENCE).until(() -> resources(mesh).equals(List.of("VirtualService/bookinfo/reviews")));
            await().atMost(PATIENCE).until(() -> workload(controlPlane).path("reportedVersion").asLong() == 2
                    && "ACK".equals(workload(controlPlane).path("status").asText()));
            assertThat(mesh.lastRejection()).isEmpty();
        }
    }

    private static List<String> resources(Mesh mesh) {
        return mesh.snapshot().config().resources().stream().map(Resource::key).toList();
    }

    private static JsonNode workload(ControlPlane controlPlane) throws IOException {
        Http.Response response = Http.get(controlPlane.uri(), "/status", Map.of());
        return Http.JSON.readTree(response.body()).path("workloads").path(0);
    }
}
