package io.inmesh.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.Resource;
import io.inmesh.core.source.FakeControlPlane.Document;
import io.inmesh.core.testing.BlockHoundExtension;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The control-plane source against a {@link FakeControlPlane} over real loopback sockets, driving a
 * real {@link Mesh}. BlockHound is installed: a blocking call on an event loop fails the test. Tests
 * wait for conditions (never sleep to synchronise); the only timing assertion is the one the protocol
 * makes, a version applied within a second.
 */
@ExtendWith(BlockHoundExtension.class)
class ControlPlaneConfigSourceIT {

    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final LocalWorkload PRODUCTPAGE = LocalWorkload.of("productpage-v1", "bookinfo", FakeControlPlane.labels());

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private FakeControlPlane controlPlane;

    @BeforeEach
    void start() {
        controlPlane = new FakeControlPlane();
        closeables.add(controlPlane);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void blockHoundIsActive() {
        // The other tests' silence means something only if a blocking call on a non-blocking thread is caught.
        String outcome = Mono.fromCallable(() -> {
            try {
                LockSupport.parkNanos(1);
                return "not caught";
            } catch (BlockingOperationError caught) {
                return "caught " + caught.getMethod();
            }
        }).subscribeOn(Schedulers.parallel()).block(PATIENCE);
        assertThat(outcome).startsWith("caught").contains("park");
        assertThat(BlockHoundExtension.takeViolations()).singleElement().asString().contains("parallel-");
    }

    // --- receiving and applying

    @Test
    void theMeshAppliesTheRulesItReceivesAndAcksThem() {
        String id = controlPlane.publish(reviews("reviews", 1));

        ControlPlaneConfigSource source = connect(options());
        Mesh mesh = mesh(source);

        await().atMost(PATIENCE).until(() -> names(mesh).equals(List.of("reviews")));
        await().atMost(PATIENCE).until(() -> controlPlane.reports().stream().anyMatch(r -> r.is("ACK", 1)));
        FakeControlPlane.Report ack = controlPlane.reports().get(0);
        assertThat(ack.json()).contains("\"namespace\":\"bookinfo\"", "\"name\":\"productpage-v1\"", "\"instance\":\"pod-7f9c\"",
                "\"hash\":\"" + id.substring(2) + "\"", "\"diagnostics\":[]");
        FakeControlPlane.StreamRequest request = controlPlane.streams().get(0);
        assertThat(request.query()).isEqualTo("namespace=bookinfo&name=productpage-v1&labels=app%3Dproductpage%2Cversion%3Dv1&instance=pod-7f9c");
        assertThat(request.accept()).isEqualTo("text/event-stream");
        assertThat(request.lastEventId()).isNull();
        assertThat(request.authorization()).isNull();
        assertThat(source.lastAppliedId()).isEqualTo(id);
    }

    @Test
    void aNewVersionIsAppliedWithinASecond() {
        controlPlane.publish(reviews("reviews", 1));
        Mesh mesh = mesh(connect(options()));
        await().atMost(PATIENCE).until(() -> names(mesh).equals(List.of("reviews")));

        long start = System.nanoTime();
        controlPlane.publish(reviews("reviews-v2", 1), reviews("ratings", 1));

        await().atMost(Duration.ofSeconds(1)).until(() -> names(mesh).equals(List.of("reviews-v2", "ratings")));
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("version 2 in force " + millis + " ms after it was published");
        await().atMost(PATIENCE).until(() -> controlPlane.reports().stream().anyMatch(r -> r.is("ACK", 2)));
    }

    @Test
    void anInvalidVersionIsNackedWithDiagnosticsAndThePreviousRulesStay() {
        controlPlane.publish(reviews("reviews", 1));
        Mesh mesh = mesh(connect(options()));
        await().atMost(PATIENCE).until(() -> controlPlane.reports().stream().anyMatch(r -> r.is("ACK", 1)));
        long snapshot = mesh.snapshot().version();

        // The bad weight is on line 13 of the document, which starts on line 21 of bookinfo/reviews.yaml.
        controlPlane.publish(new Document("bookinfo/reviews.yaml", 21, "VirtualService/bookinfo/reviews", """
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
                      weight: -5
                """));

        await().atMost(PATIENCE).until(() -> controlPlane.reports().stream().anyMatch(r -> r.is("NACK", 2)));
        String nack = controlPlane.reports().stream().filter(r -> r.is("NACK", 2)).findFirst().orElseThrow().json();
        assertThat(nack).contains("\"severity\":\"error\"", "\"source\":\"bookinfo/reviews.yaml\"", "\"line\":33",
                "\"resource\":\"VirtualService/bookinfo/reviews\"", "weight");
        assertThat(mesh.snapshot().version()).isEqualTo(snapshot);
        assertThat(names(mesh)).containsExactly("reviews");
        assertThat(mesh.lastRejection()).extracting(Diagnostic::format).anyMatch(line -> line.startsWith("bookinfo/reviews.yaml:33:"));
    }

    @Test
    void aReportThatFailsIsRetriedAFewTimes() {
        controlPlane.failReports(2);
        controlPlane.publish(reviews("reviews", 1));
        mesh(connect(options()));

        await().atMost(PATIENCE).until(() -> controlPlane.reports().stream().anyMatch(r -> r.is("ACK", 1)));
        assertThat(controlPlane.reportAttempts()).isEqualTo(3);
    }

    @Test
    void aMalformedEventIsNackedByItsIdAndTheRulesStay() {
        controlPlane.publish(reviews("reviews", 1));
        Mesh mesh = mesh(connect(options()));
        await().atMost(PATIENCE).until(() -> controlPlane.reports().stream().anyMatch(r -> r.is("ACK", 1)));

        String hash = FakeControlPlane.sha256("broken");
        controlPlane.publishRaw(2, hash, "{\"version\":2,\"hash\":\"" + hash + "\",\"documents\":[{\"origin\":\"a.yaml\"}]}");

        await().atMost(PATIENCE).until(() -> controlPlane.reports().stream().anyMatch(r -> r.is("NACK", 2)));
        assertThat(controlPlane.reports().stream().filter(r -> r.is("NACK", 2)).findFirst().orElseThrow().json())
                .contains("malformed rules event: documents[0].firstLine: 0 (expected: a line number");
        assertThat(names(mesh)).containsExactly("reviews");
    }

    @Test
    void unknownEventsAndCommentsAreIgnored() {
        controlPlane.publish(reviews("reviews", 1));
        ControlPlaneConfigSource source = connect(options());
        List<MeshConfig.LoadResult> results = record(source);
        await().atMost(PATIENCE).until(() -> results.size() == 1);

        controlPlane.sendRaw("event: surprise\ndata: {\"new\":true}\n\n: a comment\n\n");
        controlPlane.publish(reviews("reviews-v2", 1)); // a marker: everything before it has been handled

        await().atMost(PATIENCE).until(() -> results.size() == 2);
        assertThat(results.get(1).config().resources()).extracting(Resource::name).containsExactly("reviews-v2");
    }

    // --- reconnecting

    @Test
    void aDroppedStreamIsReopenedWithTheLastAppliedVersionAndUnchangedConfirmsItWithoutARebuild() {
        String id = controlPlane.publish(reviews("reviews", 1));
        ControlPlaneConfigSource source = connect(options());
        Mesh mesh = mesh(source);
        await().atMost(PATIENCE).until(() -> id.equals(source.lastAppliedId()));
        long snapshot = mesh.snapshot().version();
        assertThat(mesh.rulesStatus().version()).isEqualTo(id);
        assertThat(mesh.rulesStatus().staleness()).isLessThan(Duration.ofSeconds(1)); // in sync: current as of now
        Instant appliedAt = mesh.rulesStatus().takenAt();

        controlPlane.dropStreams();

        await().atMost(PATIENCE).until(() -> controlPlane.streams().size() == 2 && controlPlane.openStreams() == 1);
        assertThat(controlPlane.streams().get(1).lastEventId()).isEqualTo(id);
        assertThat(source.attempts()).extracting(ControlPlaneConfigSource.Attempt::reason).containsExactly("start", "stream ended");
        // The server answered "unchanged": the mesh ACKs the version again (a restarted server would not know it)
        // and keeps its snapshot.
        await().atMost(PATIENCE).until(() -> controlPlane.reports().stream().filter(r -> r.is("ACK", 1)).count() == 2);
        assertThat(mesh.snapshot().version()).isEqualTo(snapshot);
        assertThat(mesh.rulesStatus().takenAt()).isEqualTo(appliedAt);
        // A version published afterwards still arrives on the new stream.
        String second = controlPlane.publish(reviews("reviews-v2", 1));
        await().atMost(PATIENCE).until(() -> names(mesh).equals(List.of("reviews-v2")));
        assertThat(mesh.snapshot().version()).isEqualTo(snapshot + 1);
        assertThat(mesh.rulesStatus().version()).isEqualTo(second);
        await().atMost(PATIENCE).until(() -> controlPlane.reports().size() == 3);
    }

    @Test
    void outOfSyncTheRulesAgeFromTheMomentTheStreamWasLost() {
        controlPlane.publish(reviews("reviews", 1));
        ControlPlaneConfigSource source = connect(options());
        Mesh mesh = mesh(source);
        await().atMost(PATIENCE).until(() -> names(mesh).equals(List.of("reviews")));
        controlPlane.silent(true); // the next streams open but say nothing

        Instant lost = Instant.now();
        controlPlane.dropStreams();

        await().atMost(PATIENCE).until(() -> source.currentAsOf().map(at -> !at.isAfter(Instant.now().minusMillis(300))).orElse(false));
        Instant asOf = source.currentAsOf().orElseThrow();
        assertThat(asOf).isBetween(lost, lost.plusSeconds(2));
        assertThat(mesh.rulesStatus().confirmedAt()).isEqualTo(asOf);
        assertThat(mesh.rulesStatus().staleness()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aStreamDroppedBeforeAnythingWasAppliedIsReopenedWithoutLastEventId() {
        controlPlane.silent(true);
        ControlPlaneConfigSource source = connect(options());
        await().atMost(PATIENCE).until(() -> controlPlane.openStreams() == 1);
        controlPlane.silent(false);
        controlPlane.publish(reviews("reviews", 1)); // sent to the open stream; nobody applies it (no mesh)
        controlPlane.dropStreams();

        await().atMost(PATIENCE).until(() -> controlPlane.streams().size() == 2);
        assertThat(controlPlane.streams().get(1).lastEventId()).isNull();
        assertThat(source.lastAppliedId()).isNull();
    }

    @Test
    void aDeadFirstUrlFailsOverToTheSecond() throws Exception {
        controlPlane.publish(reviews("reviews", 1));
        URI dead = URI.create("http://127.0.0.1:" + closedPort());

        ControlPlaneConfigSource source = connect(List.of(dead, controlPlane.url()), options());
        Mesh mesh = mesh(source);

        await().atMost(PATIENCE).until(() -> names(mesh).equals(List.of("reviews")));
        assertThat(source.attempts()).extracting(ControlPlaneConfigSource.Attempt::url).containsExactly(dead, controlPlane.url());
        assertThat(source.attempts().get(1).reason()).startsWith("failed: ");
        assertThat(source.attempts().get(1).delayMillis()).isBetween(0L, 1000L); // the first reconnect's window
    }

    @Test
    void eachReconnectGoesToTheNextUrl() {
        FakeControlPlane second = new FakeControlPlane();
        closeables.add(second);
        ControlPlaneConfigSource source = connect(List.of(controlPlane.url(), second.url()), options());
        await().atMost(PATIENCE).until(() -> controlPlane.openStreams() == 1);

        controlPlane.dropStreams();
        await().atMost(PATIENCE).until(() -> second.openStreams() == 1);
        second.dropStreams();
        await().atMost(PATIENCE).until(() -> controlPlane.streams().size() == 2);

        assertThat(source.attempts()).extracting(ControlPlaneConfigSource.Attempt::url)
                .containsExactly(controlPlane.url(), second.url(), controlPlane.url());
    }

    @Test
    void a401WaitsNearTheMaximumAndATokenIsSent() {
        controlPlane.requireToken("s3cret");
        ControlPlaneConfigSource wrong = connect(options().bearerToken("wrong"));

        await().atMost(PATIENCE).until(() -> wrong.attempts().size() >= 2);
        ControlPlaneConfigSource.Attempt retry = wrong.attempts().get(1);
        assertThat(retry.reason()).startsWith("401 Unauthorized: ").contains("a bearer token is required");
        assertThat(retry.delayMillis()).isBetween(1000L, 2000L); // half the cap to the cap (2 s in this test)
        assertThat(controlPlane.streams().get(0).authorization()).isEqualTo("Bearer wrong");
        wrong.close();

        controlPlane.publish(reviews("reviews", 1));
        Mesh mesh = mesh(connect(options().bearerToken("s3cret")));
        await().atMost(PATIENCE).until(() -> names(mesh).equals(List.of("reviews")));
        await().atMost(PATIENCE).until(() -> controlPlane.reports().stream().anyMatch(r -> r.is("ACK", 1)));
    }

    @Test
    void a400WaitsNearTheMaximumToo() {
        controlPlane.respondWith(400, "{\"error\":\"namespace: \\\"Bookinfo\\\" (expected: a DNS-1123 label)\"}");
        ControlPlaneConfigSource source = connect(options());

        await().atMost(PATIENCE).until(() -> source.attempts().size() >= 2);
        assertThat(source.attempts().get(1).reason()).startsWith("400 Bad Request: ").contains("DNS-1123");
        assertThat(source.attempts().get(1).delayMillis()).isBetween(1000L, 2000L);
    }

    @Test
    void aSilentStreamIsDetectedDeadAndReopened() {
        controlPlane.silent(true);
        ControlPlaneConfigSource source = connect(options().deadStreamAfter(Duration.ofMillis(300)));

        await().atMost(PATIENCE).until(() -> source.attempts().size() >= 2);
        assertThat(source.attempts().get(1).reason()).isEqualTo("dead stream");
        await().atMost(PATIENCE).until(() -> controlPlane.streams().size() >= 2);
    }

    @Test
    void heartbeatsKeepAQuietStreamAlive() {
        controlPlane.heartbeats(Duration.ofMillis(50));
        controlPlane.publish(reviews("reviews", 1));
        ControlPlaneConfigSource source = connect(options().deadStreamAfter(Duration.ofMillis(300)));
        List<MeshConfig.LoadResult> results = record(source);
        await().atMost(PATIENCE).until(() -> results.size() == 1);

        // Ten dead-stream periods with nothing but heartbeats: still the first stream.
        await().pollDelay(Duration.ofSeconds(3)).atMost(PATIENCE).until(() -> true);
        assertThat(source.attempts()).hasSize(1);
        assertThat(controlPlane.streams()).hasSize(1);
    }

    @Test
    void closeEndsTheStreamAndCompletesUpdates() {
        controlPlane.publish(reviews("reviews", 1));
        ControlPlaneConfigSource source = connect(options());
        List<MeshConfig.LoadResult> results = record(source);
        await().atMost(PATIENCE).until(() -> results.size() == 1);
        java.util.concurrent.atomic.AtomicBoolean completed = new java.util.concurrent.atomic.AtomicBoolean();
        source.updates().subscribe(null, null, () -> completed.set(true));

        source.close();

        await().atMost(PATIENCE).until(() -> completed.get() && controlPlane.openStreams() == 0);
        assertThat(source.attempts()).hasSize(1);
    }

    @Test
    void updatesAreDeliveredOffTheEventLoop() {
        controlPlane.publish(reviews("reviews", 1));
        ControlPlaneConfigSource source = connect(options());
        List<String> threads = new CopyOnWriteArrayList<>();
        source.updates().subscribe(result -> threads.add(Thread.currentThread().getName()));
        await().atMost(PATIENCE).until(() -> threads.size() == 1);
        assertThat(threads.get(0)).startsWith("boundedElastic");
        source.close();
    }

    // --- helpers

    private ControlPlaneConfigSource.Options options() {
        return ControlPlaneConfigSource.Options.defaults().instance("pod-7f9c")
                .maxBackoff(Duration.ofSeconds(2)).reportRetryDelay(Duration.ofMillis(50)).random(new Random(7));
    }

    private ControlPlaneConfigSource connect(ControlPlaneConfigSource.Options options) {
        return connect(List.of(controlPlane.url()), options);
    }

    private ControlPlaneConfigSource connect(List<URI> urls, ControlPlaneConfigSource.Options options) {
        ControlPlaneConfigSource source = ControlPlaneConfigSource.connect(urls, PRODUCTPAGE, options);
        closeables.add(source);
        return source;
    }

    private Mesh mesh(ConfigSource source) {
        Mesh mesh = Mesh.builder().workload(PRODUCTPAGE).configSource(source).build();
        closeables.add(mesh);
        return mesh;
    }

    private List<MeshConfig.LoadResult> record(ConfigSource source) {
        List<MeshConfig.LoadResult> results = new CopyOnWriteArrayList<>();
        closeables.add(source.updates().subscribe(results::add)::dispose);
        return results;
    }

    private static List<String> names(Mesh mesh) {
        return mesh.snapshot().config().resources().stream().map(Resource::name).toList();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static Document reviews(String name, int firstLine) {
        return new Document("bookinfo/" + name + ".yaml", firstLine, "VirtualService/bookinfo/" + name, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %s
                  namespace: bookinfo
                spec:
                  hosts:
                  - %s
                  http:
                  - route:
                    - destination:
                        host: %s
                """.formatted(name, name, name));
    }
}
