package io.inmesh.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.internal.source.LogCapture;
import io.inmesh.core.internal.source.RuleStore;
import io.inmesh.core.source.ConfigSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** {@link Mesh.Builder#lastGoodRules}: what a mesh keeps on disk, what it starts from, and {@link Mesh#rulesStatus()}. */
class MeshLastGoodRulesTest {

    private static final Instant T0 = Instant.parse("2026-12-02T09:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private Path storeFile;
    private final MutableClock clock = new MutableClock(T0);
    private LogCapture storeLog;
    private final List<Mesh> meshes = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() {
        storeFile = dir.resolve("last-good-rules.bin");
        storeLog = LogCapture.of(RuleStore.class);
    }

    @AfterEach
    void tearDown() {
        meshes.forEach(Mesh::close);
        storeLog.close();
    }

    private static String virtualService(String name, int port) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %1$s
                  namespace: bookinfo
                spec:
                  hosts:
                  - %1$s
                  http:
                  - route:
                    - destination:
                        host: %1$s
                        port:
                          number: %2$d
                """.formatted(name, port);
    }

    private Mesh mesh(ConfigSource source) {
        Mesh.Builder builder = Mesh.builder()
                .workload(LocalWorkload.of("productpage-v1", "bookinfo", java.util.Map.of("app", "productpage")))
                .discoverExtensions(false)
                .lastGoodRules(storeFile)
                .clock(clock);
        if (source != null) {
            builder.configSource(source);
        }
        Mesh mesh = builder.build();
        meshes.add(mesh);
        return mesh;
    }

    private Optional<RuleStore.StoredRules> stored() {
        return Files.exists(storeFile) ? new RuleStore(storeFile).read() : Optional.empty();
    }

    private void awaitStored(String version) {
        await().atMost(WAIT).until(() -> stored().map(RuleStore.StoredRules::version).orElse(""), version::equals);
    }

    @Test
    void aSwappedInConfigurationIsKeptAndAMeshStartedLaterServesItAtOnce() {
        PushedSource source = new PushedSource();
        Mesh first = mesh(source);
        assertThat(first.rulesStatus().origin()).isEqualTo(RulesStatus.Origin.NONE);

        source.push("rules/reviews.yaml", virtualService("reviews", 9080));
        MeshSnapshot snapshot = first.ready().block(WAIT);
        RulesStatus status = first.rulesStatus();
        assertThat(status.origin()).isEqualTo(RulesStatus.Origin.SOURCE);
        assertThat(status.version()).matches("sha256:[0-9a-f]{16}");
        assertThat(status.takenAt()).isEqualTo(T0);
        assertThat(status.staleness()).isZero();
        awaitStored(status.version());
        assertThat(stored().orElseThrow().takenAt()).isEqualTo(T0);
        first.close();

        clock.advance(Duration.ofMinutes(3));
        Mesh second = mesh(new SilentSource());

        RulesStatus restored = second.rulesStatus();
        assertThat(restored.origin()).isEqualTo(RulesStatus.Origin.RESTORED);
        assertThat(restored.version()).isEqualTo(status.version());
        assertThat(restored.takenAt()).isEqualTo(T0);
        assertThat(restored.staleness()).isEqualTo(Duration.ofMinutes(3));
        assertThat(second.snapshot().config().resources()).isEqualTo(snapshot.config().resources());
        assertThat(second.snapshots().blockFirst(WAIT)).isSameAs(second.snapshot());
        // Restored rules are in force, but the source has not delivered: ready() is still pending.
        assertThat(second.ready().toFuture()).isNotDone();
        clock.advance(Duration.ofSeconds(5));
        assertThat(second.rulesStatus().staleness()).isEqualTo(Duration.ofMinutes(3).plusSeconds(5));
    }

    @Test
    void theSourceReplacesRestoredRulesAsSoonAsItDelivers() {
        PushedSource source = new PushedSource();
        mesh(source);
        source.push("a.yaml", virtualService("reviews", 9080));
        awaitStored(meshes.get(0).rulesStatus().version());
        String restoredVersion = meshes.get(0).rulesStatus().version();
        meshes.get(0).close();

        clock.advance(Duration.ofMinutes(1));
        PushedSource later = new PushedSource();
        Mesh mesh = mesh(later);
        assertThat(mesh.rulesStatus().origin()).isEqualTo(RulesStatus.Origin.RESTORED);

        clock.advance(Duration.ofSeconds(1));
        later.push("a.yaml", virtualService("ratings", 9080));
        RulesStatus status = mesh.rulesStatus();
        assertThat(status.origin()).isEqualTo(RulesStatus.Origin.SOURCE);
        assertThat(status.version()).isNotEqualTo(restoredVersion);
        assertThat(status.takenAt()).isEqualTo(T0.plusSeconds(61));
        assertThat(status.staleness()).isZero();
        assertThat(mesh.snapshot().config().resources()).extracting(r -> r.metadata().name()).containsExactly("ratings");
        assertThat(mesh.ready().toFuture()).isCompleted();
        awaitStored(status.version());
    }

    @Test
    void anInvalidFirstDeliveryLeavesTheRestoredRulesInForce() {
        PushedSource source = new PushedSource();
        mesh(source);
        source.push("a.yaml", virtualService("reviews", 9080));
        String version = meshes.get(0).rulesStatus().version();
        awaitStored(version);
        meshes.get(0).close();

        PushedSource later = new PushedSource();
        Mesh mesh = mesh(later);
        MeshSnapshot restored = mesh.snapshot();
        later.push("a.yaml", virtualService("reviews", 0));

        assertThat(mesh.lastRejection()).isNotEmpty();
        assertThat(mesh.snapshot()).isSameAs(restored);
        assertThat(mesh.rulesStatus().origin()).isEqualTo(RulesStatus.Origin.RESTORED);
        assertThat(mesh.rulesStatus().version()).isEqualTo(version);
        assertThat(stored().orElseThrow().version()).isEqualTo(version);
    }

    @Test
    void theSameRulesDeliveredAgainConfirmThemWithoutANewSnapshot() {
        PushedSource source = new PushedSource();
        Mesh mesh = mesh(source);
        source.push("a.yaml", virtualService("reviews", 9080));
        MeshSnapshot first = mesh.snapshot();
        String version = mesh.rulesStatus().version();

        clock.advance(Duration.ofSeconds(30));
        assertThat(mesh.rulesStatus().staleness()).isEqualTo(Duration.ofSeconds(30));
        source.push("a.yaml", virtualService("reviews", 9080));

        RulesStatus status = mesh.rulesStatus();
        assertThat(mesh.snapshot()).isSameAs(first);
        assertThat(status.version()).isEqualTo(version);
        assertThat(status.takenAt()).isEqualTo(T0);
        assertThat(status.confirmedAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(status.staleness()).isZero();
    }

    @Test
    void restoredRulesConfirmedByTheSourceBecomeSourceRulesAndCompleteReady() {
        PushedSource source = new PushedSource();
        mesh(source);
        source.push("a.yaml", virtualService("reviews", 9080));
        awaitStored(meshes.get(0).rulesStatus().version());
        meshes.get(0).close();

        clock.advance(Duration.ofMinutes(2));
        PushedSource later = new PushedSource();
        Mesh mesh = mesh(later);
        MeshSnapshot restored = mesh.snapshot();
        later.push("a.yaml", virtualService("reviews", 9080));

        assertThat(mesh.ready().block(WAIT)).isSameAs(restored);
        RulesStatus status = mesh.rulesStatus();
        assertThat(status.origin()).isEqualTo(RulesStatus.Origin.SOURCE);
        assertThat(status.takenAt()).isEqualTo(T0);
        assertThat(status.staleness()).isZero();
    }

    @Test
    void aRefusedConfigurationLeavesTheRulesGrowingStale() {
        PushedSource source = new PushedSource();
        Mesh mesh = mesh(source);
        source.push("a.yaml", virtualService("reviews", 9080));
        String version = mesh.rulesStatus().version();

        clock.advance(Duration.ofSeconds(10));
        source.push("a.yaml", virtualService("reviews", 9080).replace("number: 9080", "number: 99999"));
        assertThat(mesh.lastRejection()).isNotEmpty();

        assertThat(mesh.rulesStatus().version()).isEqualTo(version);
        assertThat(mesh.rulesStatus().staleness()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aBurstOfConfigurationsEndsWithTheLatestOnDisk() {
        PushedSource source = new PushedSource();
        Mesh mesh = mesh(source);
        for (int port = 1000; port < 1050; port++) {
            source.push("a.yaml", virtualService("reviews", port));
        }
        awaitStored(mesh.rulesStatus().version());
        assertThat(stored().orElseThrow().documents().get(0).text()).contains("number: 1049");
    }

    @Test
    void aCorruptedStoreIsIgnoredAndTheMeshStartsWithoutRules() throws IOException {
        Files.write(storeFile, new byte[] {'I', 'N', 'M', 'E', 'S', 'H', '\r', '\n', 0, 0, 0, 1, 0, 0});

        Mesh mesh = mesh(new SilentSource());

        RulesStatus status = mesh.rulesStatus();
        assertThat(status.origin()).isEqualTo(RulesStatus.Origin.NONE);
        assertThat(status.version()).isNull();
        assertThat(status.takenAt()).isEqualTo(T0);
        assertThat(mesh.snapshot().config().resources()).isEmpty();
        assertThat(storeLog.warnings()).containsExactly("ignoring the last good rules in " + storeFile.toAbsolutePath()
                + ": truncated: 14 bytes (expected a header of 20)");
        clock.advance(Duration.ofSeconds(7));
        assertThat(mesh.rulesStatus().staleness()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void rulesBuiltInCodeAreServedButNotKept() {
        AtomicReference<Sinks.Many<MeshConfig.LoadResult>> sink = new AtomicReference<>(Sinks.many().replay().latest());
        ConfigSource inCode = new ConfigSource() {
            @Override
            public Flux<MeshConfig.LoadResult> updates() {
                return sink.get().asFlux();
            }

            @Override
            public String describe() {
                return "rules built in code";
            }

            @Override
            public void close() {
            }
        };
        Mesh mesh = mesh(inCode);
        MeshConfig.LoadResult loaded = MeshConfig.load("a.yaml", virtualService("reviews", 9080));
        sink.get().tryEmitNext(MeshConfig.of(loaded.config().resources())).orThrow();

        assertThat(mesh.rulesStatus().origin()).isEqualTo(RulesStatus.Origin.SOURCE);
        assertThat(mesh.rulesStatus().version()).startsWith("local-");
        assertThat(Files.exists(storeFile)).isFalse();
    }

    /** A source the test pushes YAML into; a push reaches the mesh before {@link #push} returns. */
    private static final class PushedSource implements ConfigSource {
        private final Sinks.Many<MeshConfig.LoadResult> updates = Sinks.many().replay().latest();

        void push(String name, String yaml) {
            updates.tryEmitNext(MeshConfig.load(name, yaml)).orThrow();
        }

        @Override
        public Flux<MeshConfig.LoadResult> updates() {
            return updates.asFlux();
        }

        @Override
        public String describe() {
            return "pushed source";
        }

        @Override
        public void close() {
            updates.tryEmitComplete();
        }
    }

    /** A source that never answers, like a control plane that is down. */
    private static final class SilentSource implements ConfigSource {
        @Override
        public Flux<MeshConfig.LoadResult> updates() {
            return Flux.never();
        }

        @Override
        public String describe() {
            return "a source that never answers";
        }

        @Override
        public void close() {
        }
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
