package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.RulesStatus;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.internal.source.RuleStore;
import io.inmesh.core.model.Sidecar;
import io.inmesh.core.source.ConfigSource;
import io.inmesh.core.source.FileConfigSource;
import io.inmesh.core.testing.BlockHoundExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * The last good rules on disk ({@link Mesh.Builder#lastGoodRules}): a mesh whose rules come from
 * files keeps them; a mesh restarted while its source never answers (a control plane that is down)
 * routes by them at once, over real sockets; a corrupted file is ignored with a clear log line and
 * the mesh runs without rules, as it would with no file.
 */
@ExtendWith(BlockHoundExtension.class)
class LastGoodRulesIT {

    /** All reviews traffic to v2: without these rules, {@code reviews} is not even a known host. */
    private static final String REVIEWS_TO_V2 = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              hosts:
              - reviews
              http:
              - route:
                - destination:
                    host: reviews
                    subset: v2
            """;

    private static UpstreamWorkload v1;
    private static UpstreamWorkload v2;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        v1 = UpstreamWorkload.start("reviews-v1", "reviews", "v1");
        v2 = UpstreamWorkload.start("reviews-v2", "reviews", "v2");
    }

    @AfterAll
    static void stop() {
        v1.close();
        v2.close();
    }

    private static Mesh productpage(ConfigSource source, Path store) {
        return Mesh.builder()
                .workload(LocalWorkload.of("productpage-v1", Yaml.NAMESPACE, Map.of("app", "productpage", "version", "v1")))
                .configSource(source)
                .lastGoodRules(store)
                // Only hosts the rules know are reachable: without rules, a call fails at once and tells why.
                .outboundTrafficPolicy(Sidecar.OutboundTrafficPolicy.Mode.REGISTRY_ONLY)
                .build();
    }

    /** Writes the rules as files, runs a mesh on them until they are on disk, and returns their version. */
    private String keepRulesFromFiles(Path store) throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("registry.yaml"), String.join("---\n",
                Yaml.serviceEntry("reviews"), v1.workloadEntry(), v2.workloadEntry()));
        Files.writeString(rules.resolve("reviews.yaml"), Yaml.reviewsSubsets() + "---\n" + REVIEWS_TO_V2);
        try (Mesh first = productpage(FileConfigSource.watch(List.of(rules)), store)) {
            assertThat(first.ready().block(Meshes.WAIT)).isNotNull();
            assertThat(Meshes.get(first, "http://reviews:9080/reviews/0")).isEqualTo("reviews-v2");
            String version = first.rulesStatus().version();
            await().atMost(Meshes.WAIT).until(() -> storedVersion(store), Optional.of(version)::equals);
            return version;
        }
    }

    private static Optional<String> storedVersion(Path store) {
        return Files.exists(store) ? new RuleStore(store).read().map(RuleStore.StoredRules::version) : Optional.empty();
    }

    @Test
    void aMeshRestartedWhileItsSourceNeverAnswersRoutesByTheRulesOnDisk() throws IOException {
        Path store = dir.resolve("state/rules.bin");
        String version = keepRulesFromFiles(store);
        int v1Before = v1.requests();
        int v2Before = v2.requests();

        try (Mesh restarted = productpage(new SilentSource(), store)) {
            RulesStatus status = restarted.rulesStatus();
            assertThat(status.origin()).isEqualTo(RulesStatus.Origin.RESTORED);
            assertThat(status.version()).isEqualTo(version);

            List<String> served = Flux.range(0, 40)
                    .flatMap(i -> restarted.client().get("http://reviews:9080/reviews/" + i).retrieve(), 8)
                    .collectList()
                    .block(Meshes.WAIT);
            assertThat(served).hasSize(40).containsOnly("reviews-v2");
        }
        assertThat(v2.requests() - v2Before).isEqualTo(40);
        assertThat(v1.requests() - v1Before).isZero();
    }

    @Test
    void aCorruptedStoreIsIgnoredWithAClearLogLineAndTheMeshRunsWithoutRules() throws IOException {
        Path store = dir.resolve("state/rules.bin");
        keepRulesFromFiles(store);
        byte[] bytes = Files.readAllBytes(store);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(store, bytes);

        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(RuleStore.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try (Mesh restarted = productpage(new SilentSource(), store)) {
            assertThat(warnings).singleElement().asString()
                    .startsWith("ignoring the last good rules in " + store.toAbsolutePath() + ": checksum mismatch")
                    .endsWith("(the file is corrupted)");
            assertThat(restarted.rulesStatus().origin()).isEqualTo(RulesStatus.Origin.NONE);
            assertThat(restarted.snapshot().config().resources()).isEmpty();
            // As with no rules at all: reviews is no host the mesh knows, and no upstream sees the call.
            int before = v1.requests() + v2.requests();
            assertThatThrownBy(() -> Meshes.get(restarted, "http://reviews:9080/reviews/0"))
                    .isInstanceOf(MeshException.EgressBlocked.class);
            assertThat(v1.requests() + v2.requests()).isEqualTo(before);
        } finally {
            logger.removeHandler(handler);
        }
    }

    /** A config source that never answers, like a control plane that is down. */
    private static final class SilentSource implements ConfigSource {
        @Override
        public Flux<MeshConfig.LoadResult> updates() {
            return Flux.never();
        }

        @Override
        public String describe() {
            return "a control plane that never answers";
        }

        @Override
        public void close() {
        }
    }
}
