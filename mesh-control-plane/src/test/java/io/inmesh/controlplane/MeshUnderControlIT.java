package io.inmesh.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.RulesStatus;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.source.ControlPlaneConfigSource;
import io.inmesh.core.spi.MeshExtension;
import io.inmesh.core.spi.SnapshotCompiler;
import io.inmesh.core.testing.BlockHoundExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The control plane and several meshes in one JVM, over real loopback sockets, with steady traffic
 * through each mesh's {@code MeshClient} to two real upstreams, {@code reviews} v1 and v2.
 *
 * <p>Each edit of the rules ("edit N") routes {@code reviews} to one subset (v1 for even N, v2 for
 * odd N) and adds the request header {@code x-edit: N} on the same route. An upstream answers with
 * its name and every {@code x-edit} value it received, so each answer says which edit decided the
 * request, and whether one edit decided all of it: the header and the destination must agree.
 */
@ExtendWith(BlockHoundExtension.class)
class MeshUnderControlIT {

    private static final Duration PATIENCE = Duration.ofSeconds(10);
    /** Reconnect delays are capped lower than the protocol's 30 s so that a test of an outage ends soon. */
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    /**
     * How long a workload may take to resync after the control plane comes back: a reconnect delay of
     * at most MAX_BACKOFF, then a stream and a version, with room for a machine busy with other work.
     */
    private static final Duration RESYNC = Duration.ofSeconds(30);
    private static final String URL = "http://reviews.bookinfo.svc.cluster.local:9080/reviews/1";

    @TempDir
    Path rules;
    @TempDir
    Path state;

    private DisposableServer reviewsV1;
    private DisposableServer reviewsV2;
    private ControlPlane controlPlane;
    private final List<Mesh> meshes = new ArrayList<>();
    private final List<Traffic> traffic = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        reviewsV1 = upstream("reviews-v1");
        reviewsV2 = upstream("reviews-v2");
        Files.writeString(rules.resolve("reviews-service.yaml"), services());
        writeEdit(0);
        controlPlane = startControlPlane(0);
    }

    @AfterEach
    void stop() {
        traffic.forEach(Traffic::stop);
        meshes.forEach(Mesh::close);
        if (controlPlane != null) {
            controlPlane.close();
        }
        reviewsV1.disposeNow();
        reviewsV2.disposeNow();
    }

    // --- what the issue asks to show

    @Test
    void aFileEditReachesEveryWorkloadWithinASecond() throws IOException {
        List<Mesh> workloads = List.of(
                mesh("productpage-v1", "bookinfo", Map.of("app", "productpage", "version", "v1")),
                mesh("reviews-v1", "bookinfo", Map.of("app", "reviews", "version", "v1")),
                mesh("ratings-v1", "bookinfo", Map.of("app", "ratings", "version", "v1")),
                mesh("checkout-v1", "shop", Map.of("app", "checkout")));
        awaitAllRun(workloads, published());
        workloads.forEach(this::steadyTraffic);

        for (int edit = 1; edit <= 3; edit++) {
            long before = controlPlane.repository().current().orElseThrow().version();
            long writtenAt = System.nanoTime();
            writeEdit(edit);
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5))
                    .until(() -> controlPlane.repository().current().orElseThrow().version() > before
                            && workloads.stream().allMatch(mesh -> published().equals(mesh.rulesStatus().version())));
            System.out.printf("edit %d in force in all %d workloads %d ms after the file was written%n",
                    edit, workloads.size(), (System.nanoTime() - writtenAt) / 1_000_000);
        }
        await().atMost(PATIENCE).until(() -> allAcked(workloads.size()));
        assertTrafficHealthy();
        // After the last edit (odd): reviews-v2 serves, as edit 3 says.
        await().atMost(PATIENCE).until(() -> traffic.stream().allMatch(t -> t.last().startsWith("reviews-v2|3")));
    }

    @Test
    void anInvalidEditIsRefusedWithItsDiagnosticsInStatusAndEveryWorkloadKeepsItsVersion() throws IOException {
        List<Mesh> workloads = List.of(
                mesh("productpage-v1", "bookinfo", Map.of("app", "productpage", "version", "v1")),
                mesh("checkout-v1", "shop", Map.of("app", "checkout")));
        writeEdit(1);
        awaitAllRun(workloads, awaitPublished(2));
        String kept = published();
        workloads.forEach(this::steadyTraffic);

        Files.writeString(rules.resolve("reviews-route.yaml"), route(2).replace("weight: 100", "weight: -5"));

        await().atMost(PATIENCE).until(() -> controlPlane.repository().lastRefusal().isPresent());
        JsonNode refusal = status().path("lastRefusal");
        assertThat(refusal.path("reason").asText()).isEqualTo("INVALID");
        assertThat(refusal.path("keptVersion").asLong()).isEqualTo(2);
        assertThat(refusal.path("diagnostics").toString()).contains("reviews-route.yaml", "spec.http[0].route[0].weight", "-5");
        assertThat(published()).isEqualTo(kept);
        assertThat(status().path("version").asLong()).isEqualTo(2);
        // The workloads keep running version 2 and the traffic keeps following it.
        traffic.forEach(Traffic::awaitMore);
        for (Mesh mesh : workloads) {
            assertThat(mesh.rulesStatus().version()).isEqualTo(kept);
        }
        assertThat(allAcked(workloads.size())).isTrue();
        assertThat(traffic).allSatisfy(t -> assertThat(t.last()).startsWith("reviews-v2|1"));
        assertTrafficHealthy();
    }

    @Test
    void aNackFromAWorkloadShowsInStatusWithItsReason() throws IOException {
        Mesh accepting = mesh("productpage-v1", "bookinfo", Map.of("app", "productpage"));
        // A workload whose own compiler fails on a rule the control plane accepts (as a workload on
        // another inmesh version might): it refuses the version, keeps its rules and says so.
        Mesh refusing = mesh("legacy-v1", "bookinfo", Map.of("app", "legacy"), builder -> builder.extension(new RefusesEditTwo()));
        writeEdit(1);
        awaitAllRun(List.of(accepting, refusing), awaitPublished(2));
        String acceptedByBoth = published();
        steadyTraffic(refusing);

        writeEdit(2);
        awaitPublished(3);
        await().atMost(PATIENCE).until(() -> published().equals(accepting.rulesStatus().version()));
        await().atMost(PATIENCE).until(() -> "NACK".equals(workload("legacy-v1").path("status").asText()));

        JsonNode nack = workload("legacy-v1");
        assertThat(nack.path("reportedVersion").asLong()).isEqualTo(3);
        assertThat(nack.path("reason").asText()).contains("internal error while compiling the rules", "edit 2 is not for me");
        assertThat(workload("productpage-v1").path("status").asText()).isEqualTo("ACK");
        assertThat(refusing.rulesStatus().version()).isEqualTo(acceptedByBoth);
        traffic.get(0).awaitMore();
        assertThat(traffic.get(0).last()).startsWith("reviews-v2|1");
        assertTrafficHealthy();
    }

    @Test
    void theControlPlaneKilledAndRestartedCostsNoRequestAndTheWorkloadsResyncToTheLatestVersion() throws IOException {
        List<Mesh> workloads = List.of(
                mesh("productpage-v1", "bookinfo", Map.of("app", "productpage")),
                mesh("reviews-v1", "bookinfo", Map.of("app", "reviews")),
                mesh("checkout-v1", "shop", Map.of("app", "checkout")));
        awaitAllRun(workloads, published());
        workloads.forEach(this::steadyTraffic);
        int port = controlPlane.port();

        controlPlane.close();
        controlPlane = null;
        traffic.forEach(Traffic::awaitMore);
        writeEdit(1); // changed while nobody serves it
        sleep(Duration.ofSeconds(2));
        traffic.forEach(Traffic::awaitMore);
        assertThat(traffic).allSatisfy(t -> assertThat(t.last()).startsWith("reviews-v1|0"));

        controlPlane = startControlPlane(port);
        String latest = published();
        await().atMost(RESYNC).until(() -> workloads.stream().allMatch(mesh -> latest.equals(mesh.rulesStatus().version())));
        await().atMost(PATIENCE).until(() -> allAcked(workloads.size()));
        await().atMost(PATIENCE).until(() -> traffic.stream().allMatch(t -> t.last().startsWith("reviews-v2|1")));
        assertTrafficHealthy();
    }

    @Test
    void aWorkloadRestartedWhileTheControlPlaneIsDownServesFromItsPersistedRules() throws IOException {
        Path kept = state.resolve("productpage/rules.bin");
        Mesh first = mesh("productpage-v1", "bookinfo", Map.of("app", "productpage"), builder -> builder.lastGoodRules(kept));
        writeEdit(1);
        String version = awaitPublished(2);
        await().atMost(PATIENCE).until(() -> version.equals(first.rulesStatus().version()));
        first.close(); // writes what is pending
        meshes.remove(first);
        int port = controlPlane.port();
        controlPlane.close();
        controlPlane = null;

        Mesh restarted = mesh("productpage-v1", "bookinfo", Map.of("app", "productpage"), builder -> builder.lastGoodRules(kept),
                port);
        RulesStatus status = restarted.rulesStatus();
        assertThat(status.origin()).isEqualTo(RulesStatus.Origin.RESTORED);
        assertThat(status.version()).isEqualTo(version);
        Traffic calls = steadyTraffic(restarted);
        calls.awaitMore();
        calls.awaitMore();
        assertThat(calls.last()).startsWith("reviews-v2|1");
        assertTrafficHealthy(); // every call routed by the restored rules: no config-related failure

        controlPlane = startControlPlane(port);
        String republished = published();
        await().atMost(RESYNC).until(() -> republished.equals(restarted.rulesStatus().version()));
        assertThat(restarted.rulesStatus().origin()).isEqualTo(RulesStatus.Origin.SOURCE);
        calls.awaitMore();
        assertTrafficHealthy();
    }

    @Test
    void aTruncatedOrCorruptedSnapshotFileIsIgnoredWithAClearLogLine() throws IOException {
        Path kept = state.resolve("rules.bin");
        Mesh first = mesh("productpage-v1", "bookinfo", Map.of("app", "productpage"), builder -> builder.lastGoodRules(kept));
        await().atMost(PATIENCE).until(() -> published().equals(first.rulesStatus().version()));
        first.close();
        meshes.remove(first);
        int port = controlPlane.port();
        controlPlane.close();
        controlPlane = null;
        byte[] good = Files.readAllBytes(kept);

        List<String> truncated = logsWhile(() -> {
            writeAtomically(kept, java.util.Arrays.copyOf(good, good.length / 2));
            Mesh mesh = mesh("productpage-v1", "bookinfo", Map.of("app", "productpage"), builder -> builder.lastGoodRules(kept), port);
            assertThat(mesh.rulesStatus().origin()).isEqualTo(RulesStatus.Origin.NONE);
        });
        assertThat(truncated).anySatisfy(line -> assertThat(line).startsWith("ignoring the last good rules in " + kept + ": "));

        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 0x20; // one bit in the rules' text
        List<String> corrupted = logsWhile(() -> {
            writeAtomically(kept, flipped);
            Mesh mesh = mesh("productpage-v1", "bookinfo", Map.of("app", "productpage"), builder -> builder.lastGoodRules(kept), port);
            assertThat(mesh.rulesStatus().origin()).isEqualTo(RulesStatus.Origin.NONE);
        });
        assertThat(corrupted).anySatisfy(line -> assertThat(line)
                .startsWith("ignoring the last good rules in " + kept + ": checksum mismatch: the file says SHA-256 "));
        System.out.println("logged: " + truncated.get(0) + "\nlogged: " + corrupted.get(0));
    }

    @Test
    void aHundredVersionsInARowUnderLoadFailNoRequestAndEachRequestIsDecidedByOneVersion() throws IOException {
        List<Mesh> workloads = List.of(
                mesh("productpage-v1", "bookinfo", Map.of("app", "productpage")),
                mesh("reviews-v1", "bookinfo", Map.of("app", "reviews")),
                mesh("checkout-v1", "shop", Map.of("app", "checkout")));
        awaitAllRun(workloads, published());
        workloads.forEach(this::steadyTraffic);

        long first = controlPlane.repository().current().orElseThrow().version();
        for (int edit = 1; edit <= 100; edit++) {
            writeEdit(edit);
            awaitPublished(first + edit);
        }
        String last = published();
        await().atMost(PATIENCE).until(() -> workloads.stream().allMatch(mesh -> last.equals(mesh.rulesStatus().version())));
        await().atMost(PATIENCE).until(() -> traffic.stream().allMatch(t -> t.last().startsWith("reviews-v1|100")));

        assertTrafficHealthy();
        long distinctEdits = traffic.stream().flatMap(t -> t.editsSeen().stream()).distinct().count();
        long requests = traffic.stream().mapToLong(Traffic::answers).sum();
        System.out.printf("100 versions: %d requests, 0 failed, answers decided by %d distinct edits%n", requests, distinctEdits);
        assertThat(distinctEdits).as("the traffic ran while the versions changed").isGreaterThan(10);
    }

    // --- the parts

    private ControlPlane startControlPlane(int port) {
        return ControlPlane.builder(rules).port(port)
                // A short quiet period: the hundred-versions test publishes each edit before the next.
                .repository(RuleRepository.Settings.DEFAULTS.withDebounce(Duration.ofMillis(20)))
                .build().start();
    }

    private Mesh mesh(String name, String namespace, Map<String, String> labels) {
        return mesh(name, namespace, labels, builder -> builder);
    }

    private Mesh mesh(String name, String namespace, Map<String, String> labels,
            java.util.function.UnaryOperator<Mesh.Builder> settings) {
        return mesh(name, namespace, labels, settings, controlPlane.port());
    }

    private Mesh mesh(String name, String namespace, Map<String, String> labels,
            java.util.function.UnaryOperator<Mesh.Builder> settings, int port) {
        LocalWorkload workload = LocalWorkload.of(name, namespace, labels);
        ControlPlaneConfigSource source = ControlPlaneConfigSource.connect(
                List.of(java.net.URI.create("http://127.0.0.1:" + port)), workload,
                ControlPlaneConfigSource.Options.defaults().maxBackoff(MAX_BACKOFF));
        Mesh mesh = settings.apply(Mesh.builder().workload(workload).configSource(source)).build();
        meshes.add(mesh);
        return mesh;
    }

    private Traffic steadyTraffic(Mesh mesh) {
        Traffic calls = new Traffic(mesh);
        traffic.add(calls);
        return calls;
    }

    /** Calls reviews through one mesh, one call after the other with a short pause, until stopped. */
    private static final class Traffic {
        private final Mesh mesh;
        private final AtomicLong answers = new AtomicLong();
        private final Queue<String> failures = new ConcurrentLinkedQueue<>();
        private final Queue<String> inconsistent = new ConcurrentLinkedQueue<>();
        private final Map<Integer, Boolean> editsSeen = new ConcurrentHashMap<>();
        private volatile String last = "";
        private volatile int lastEdit = -1;
        private final Disposable loop;

        Traffic(Mesh mesh) {
            this.mesh = mesh;
            this.loop = Mono.defer(this::call)
                    .then(Mono.delay(Duration.ofMillis(3)))
                    .repeat()
                    .subscribe(null, error -> failures.add("the loop stopped: " + error));
        }

        private Mono<Void> call() {
            return mesh.client().get(URL).exchange()
                    .flatMap(response -> response.bodyAsString().defaultIfEmpty("").doOnNext(body -> {
                        if (response.status() != 200) {
                            failures.add(response.status() + " " + response.flags() + " " + body);
                        } else {
                            check(body);
                        }
                    }))
                    .timeout(PATIENCE, Schedulers.parallel())
                    .onErrorResume(error -> {
                        failures.add(error.toString());
                        return Mono.empty();
                    })
                    .then();
        }

        /** {@code reviews-v2|7}: served by v2, decided by edit 7 alone; edit 7 (odd) routes to v2. */
        private void check(String body) {
            answers.incrementAndGet();
            last = body;
            String[] parts = body.split("\\|", -1);
            String edits = parts.length == 2 ? parts[1] : "";
            if (edits.isEmpty() || edits.contains(",")) {
                inconsistent.add(body + " (expected exactly one edit)");
                return;
            }
            int edit = Integer.parseInt(edits);
            editsSeen.put(edit, Boolean.TRUE);
            String expected = edit % 2 == 0 ? "reviews-v1" : "reviews-v2";
            if (!parts[0].equals(expected)) {
                inconsistent.add(body + " (edit " + edit + " routes to " + expected + ")");
            }
            if (edit < lastEdit) {
                inconsistent.add(body + " after an answer decided by edit " + lastEdit + " (versions went back)");
            }
            lastEdit = edit;
        }

        long answers() {
            return answers.get();
        }

        String last() {
            return last;
        }

        java.util.Set<Integer> editsSeen() {
            return editsSeen.keySet();
        }

        /** Waits until this mesh has made a few more successful calls. */
        void awaitMore() {
            long target = answers.get() + 5;
            await().atMost(PATIENCE).until(() -> answers.get() >= target || !failures.isEmpty());
        }

        void stop() {
            loop.dispose();
        }
    }

    private void assertTrafficHealthy() {
        for (Traffic calls : traffic) {
            assertThat(calls.failures).as("failed requests through " + calls.mesh.workload().name()).isEmpty();
            assertThat(calls.inconsistent).as("answers through " + calls.mesh.workload().name()).isEmpty();
            assertThat(calls.answers()).as("answers through " + calls.mesh.workload().name()).isPositive();
        }
    }

    private static DisposableServer upstream(String name) {
        return HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().then(response
                        .header("content-type", "text/plain")
                        .sendString(Mono.just(name + "|" + String.join(",", request.requestHeaders().getAll("x-edit"))))
                        .then()))
                .bindNow();
    }

    /** A compiler that fails on edit 2, as a workload whose code cannot run some rule would. */
    private static final class RefusesEditTwo implements MeshExtension {
        @Override
        public String name() {
            return "refuses-edit-2";
        }

        @Override
        public List<SnapshotCompiler<?>> snapshotCompilers() {
            return List.of(new SnapshotCompiler<String>() {
                @Override
                public Class<String> type() {
                    return String.class;
                }

                @Override
                public String compile(MeshConfig config, LocalWorkload workload) {
                    boolean editTwo = config.sourceDocuments()
                            .map(documents -> documents.stream().anyMatch(d -> d.text().contains("\"2\"")))
                            .orElse(false);
                    if (editTwo) {
                        throw new IllegalStateException("edit 2 is not for me");
                    }
                    return "fine";
                }
            });
        }
    }

    // --- rules

    private String services() {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts:
                  - reviews.bookinfo.svc.cluster.local
                  location: MESH_INTERNAL
                  ports:
                  - number: 9080
                    name: http
                    protocol: HTTP
                  resolution: STATIC
                  workloadSelector:
                    labels:
                      app: reviews
                ---
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata:
                  name: reviews-v1
                  namespace: bookinfo
                spec:
                  address: 127.0.0.1
                  ports:
                    http: %d
                  labels:
                    app: reviews
                    version: v1
                ---
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata:
                  name: reviews-v2
                  namespace: bookinfo
                spec:
                  address: 127.0.0.1
                  ports:
                    http: %d
                  labels:
                    app: reviews
                    version: v2
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  host: reviews.bookinfo.svc.cluster.local
                  subsets:
                  - name: v1
                    labels:
                      version: v1
                  - name: v2
                    labels:
                      version: v2
                """.formatted(reviewsV1.port(), reviewsV2.port());
    }

    private static String route(int edit) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts:
                  - reviews.bookinfo.svc.cluster.local
                  http:
                  - route:
                    - destination:
                        host: reviews.bookinfo.svc.cluster.local
                        subset: %s
                      weight: 100
                      headers:
                        request:
                          set:
                            x-edit: "%d"
                """.formatted(edit % 2 == 0 ? "v1" : "v2", edit);
    }

    private void writeEdit(int edit) throws IOException {
        writeAtomically(rules.resolve("reviews-route.yaml"), route(edit).getBytes(StandardCharsets.UTF_8));
    }

    /** As an editor or {@code kubectl}-style tool saves: a whole new file moved over the old one. */
    private static void writeAtomically(Path file, byte[] bytes) {
        try {
            Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.write(temporary, bytes);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- the control plane's view

    /** The published version as workloads see it: {@code <version>:<hash>}. */
    private String published() {
        PublishedRules current = controlPlane.repository().current().orElseThrow();
        return current.version() + ":" + current.hash();
    }

    private String awaitPublished(long version) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5))
                .until(() -> controlPlane.repository().current().map(PublishedRules::version).orElse(0L) >= version);
        return published();
    }

    private void awaitAllRun(List<Mesh> workloads, String version) {
        await().atMost(PATIENCE).until(() -> workloads.stream().allMatch(mesh -> version.equals(mesh.rulesStatus().version())));
    }

    private JsonNode status() {
        return Http.get(controlPlane.uri(), "/status", Map.of()).json();
    }

    private JsonNode workload(String name) {
        for (JsonNode workload : status().path("workloads")) {
            if (workload.path("name").asText().equals(name)) {
                return workload;
            }
        }
        return Http.JSON.missingNode();
    }

    /** Whether the status lists {@code count} connected workloads, each with an ACK of the published version. */
    private boolean allAcked(int count) {
        JsonNode status = status();
        long version = status.path("version").asLong();
        int acked = 0;
        for (JsonNode workload : status.path("workloads")) {
            if (workload.path("connected").asBoolean() && "ACK".equals(workload.path("status").asText())
                    && workload.path("reportedVersion").asLong() == version) {
                acked++;
            }
        }
        return acked == count;
    }

    // --- helpers

    /** The messages logged by the mesh's last-good-rules store while {@code action} runs. */
    private static List<String> logsWhile(Runnable action) {
        Logger logger = Logger.getLogger("io.inmesh.core.internal.source.RuleStore");
        List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                messages.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            action.run();
        } finally {
            logger.removeHandler(handler);
        }
        return messages;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
