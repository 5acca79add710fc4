package io.inmesh.telemetry.internal.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.MeshServer;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import io.inmesh.telemetry.AccessLog;
import io.inmesh.telemetry.Bookinfo;
import io.inmesh.telemetry.MeshTelemetry;
import io.netty.buffer.ByteBuf;
import io.opentelemetry.api.OpenTelemetry;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Access logs of a Bookinfo-like chain on real sockets, productpage → reviews → ratings (whose first
 * answer is a 503 that the ratings route retries), on both sides of every hop; mesh failures; and the
 * standard-output queue that drops lines rather than block an event loop.
 */
@ExtendWith(BlockHoundExtension.class)
class AccessLogIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T10:00:00.123Z"), ZoneOffset.UTC);
    private static final String START = "[2026-12-02T10:00:00.123Z]";
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, List<String>> lines = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger ratingsCalls = new AtomicInteger();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private int ratingsPort;
    private int reviewsPort;
    private int detailsPort;
    private Mesh productpage;

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @Test
    void oneTextLinePerCallOnEachSideInIstiosDefaultFormat() {
        start(AccessLog.text());
        String body = productpage.client().post("http://reviews.bookinfo.svc.cluster.local:9080/reviews/0")
                .header("user-agent", "bookinfo-test/1.0").header("x-request-id", "req-1").body("0123456789").retrieve().block(WAIT);
        assertThat(body).isEqualTo("reviews with {\"stars\":5}");
        int sent = body.length();
        await().atMost(WAIT).untilAsserted(() -> assertThat(lines("ratings-v1")).hasSize(2));
        await().atMost(WAIT).untilAsserted(() -> assertThat(lines("productpage-v1")).hasSize(1));

        String toReviews = only("productpage-v1");
        Map<String, String> out = AccessLogLinesTest.parse(toReviews);
        assertThat(toReviews).isEqualTo(START + " \"POST /reviews/0 HTTP/1.1\" 200 - via_upstream - \"-\" 10 " + sent + " "
                + out.get("duration") + " - \"-\" \"bookinfo-test/1.0\" \"req-1\" \"reviews.bookinfo.svc.cluster.local:9080\" "
                + "\"127.0.0.1:" + reviewsPort + "\" outbound|9080||reviews.bookinfo.svc.cluster.local - - - - default");

        await().atMost(WAIT).untilAsserted(() -> assertThat(lines("reviews-v2")).hasSize(2));
        // Which of the two ends first (the inbound call, or the outbound call its handler made) is a race.
        String reviewsServed = side("reviews-v2", " inbound|");
        Map<String, String> in = AccessLogLinesTest.parse(reviewsServed);
        assertThat(in.get("downstreamRemote")).startsWith("127.0.0.1:").isNotEqualTo("127.0.0.1:" + reviewsPort);
        assertThat(reviewsServed).isEqualTo(START + " \"POST /reviews/0 HTTP/1.1\" 200 - via_upstream - \"-\" 10 " + sent + " "
                + in.get("duration") + " - \"-\" \"bookinfo-test/1.0\" \"req-1\" \"reviews.bookinfo.svc.cluster.local:9080\" "
                + "\"127.0.0.1:" + reviewsPort + "\" inbound|" + reviewsPort + "|| - 127.0.0.1:" + reviewsPort + " "
                + in.get("downstreamRemote") + " - default");
        assertThat(Long.parseLong(in.get("duration"))).isLessThanOrEqualTo(Long.parseLong(out.get("duration")));

        // The retried call: one line on the caller's side, the answer that counted; two on the ratings side.
        Map<String, String> toRatings = AccessLogLinesTest.parse(side("reviews-v2", " outbound|"));
        assertThat(toRatings).containsEntry("method", "GET").containsEntry("path", "/ratings/0").containsEntry("code", "200")
                .containsEntry("flags", "-").containsEntry("details", "via_upstream").containsEntry("sent", "11")
                .containsEntry("authority", "ratings.bookinfo.svc.cluster.local:9080")
                .containsEntry("upstreamHost", "127.0.0.1:" + ratingsPort)
                .containsEntry("upstreamCluster", "outbound|9080||ratings.bookinfo.svc.cluster.local")
                .containsEntry("route", "ratings-route");
        List<Map<String, String>> ratingsServed = lines("ratings-v1").stream().map(AccessLogLinesTest::parse).toList();
        assertThat(ratingsServed).extracting(f -> f.get("code") + " " + f.get("details") + " " + f.get("upstreamCluster"))
                .containsExactly("503 via_upstream inbound|" + ratingsPort + "||", "200 via_upstream inbound|" + ratingsPort + "||");
    }

    @Test
    void jsonLinesCarryIstiosKeysAndTheTraceIdOfTheRequest() throws Exception {
        start(AccessLog.json());
        productpage.client().post("http://reviews.bookinfo.svc.cluster.local:9080/reviews/0").header("traceparent", TRACEPARENT)
                .body("0123456789").retrieve().block(WAIT);
        await().atMost(WAIT).untilAsserted(() -> assertThat(lines("ratings-v1")).hasSize(2));
        await().atMost(WAIT).untilAsserted(() -> assertThat(lines("productpage-v1")).hasSize(1));
        await().atMost(WAIT).untilAsserted(() -> assertThat(lines("reviews-v2")).hasSize(2));

        JsonNode toReviews = JSON.readTree(only("productpage-v1"));
        assertThat(keys(toReviews)).containsAll(AccessLogLinesTest.ISTIO_JSON_KEYS).contains("trace_id");
        assertThat(toReviews.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(toReviews.get("response_code").asInt()).isEqualTo(200);
        assertThat(toReviews.get("bytes_received").asLong()).isEqualTo(10);
        assertThat(toReviews.get("upstream_cluster").asText()).isEqualTo("outbound|9080||reviews.bookinfo.svc.cluster.local");
        assertThat(toReviews.get("downstream_remote_address").isNull()).isTrue();

        JsonNode reviewsServed = JSON.readTree(side("reviews-v2", "\"upstream_cluster\":\"inbound|"));
        assertThat(reviewsServed.get("trace_id").asText()).as("the caller's traceparent reached the server").isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(reviewsServed.get("upstream_cluster").asText()).isEqualTo("inbound|" + reviewsPort + "||");
        assertThat(reviewsServed.get("downstream_local_address").asText()).isEqualTo("127.0.0.1:" + reviewsPort);

        for (String line : lines("ratings-v1")) {
            JsonNode json = JSON.readTree(line);
            assertThat(keys(json)).containsExactlyElementsOf(AccessLogLinesTest.ISTIO_JSON_KEYS);
        }
    }

    @Test
    void meshFailuresAreLoggedWithTheirFlagsAndDetailsAndUnknownHostsAsPassedThrough() {
        start(AccessLog.text());
        Function<String, Integer> status = url -> productpage.client().get(url).exchange()
                .flatMap(response -> response.bodyAsString().thenReturn(response.status()))
                .onErrorResume(error -> Mono.just(-1)).block(WAIT);
        status.apply("http://ratings.bookinfo.svc.cluster.local:9080/nowhere");
        status.apply("http://details.bookinfo.svc.cluster.local:9080/details/0");
        // Not a mesh failure: a host outside the registry, passed through as ALLOW_ANY lets it.
        assertThat(status.apply("http://127.0.0.1:" + ratingsPort + "/ratings/0")).isEqualTo(503);
        await().atMost(WAIT).untilAsserted(() -> assertThat(lines("productpage-v1")).hasSize(3));

        Map<String, String> noRoute = AccessLogLinesTest.parse(lines("productpage-v1").get(0));
        assertThat(noRoute).containsEntry("code", "404").containsEntry("flags", "NR").containsEntry("details", "route_not_found")
                .containsEntry("upstreamHost", "-").containsEntry("upstreamCluster", "-").containsEntry("path", "/nowhere");
        Map<String, String> timedOut = AccessLogLinesTest.parse(lines("productpage-v1").get(1));
        assertThat(timedOut).containsEntry("code", "504").containsEntry("flags", "UT").containsEntry("details", "response_timeout")
                .containsEntry("upstreamHost", "127.0.0.1:" + detailsPort)
                .containsEntry("upstreamCluster", "outbound|9080||details.bookinfo.svc.cluster.local")
                .containsEntry("route", "details-route");
        assertThat(Long.parseLong(timedOut.get("duration"))).isGreaterThanOrEqualTo(200);
        Map<String, String> passedThrough = AccessLogLinesTest.parse(lines("productpage-v1").get(2));
        assertThat(passedThrough).containsEntry("code", "503").containsEntry("flags", "-").containsEntry("details", "via_upstream")
                .containsEntry("upstreamHost", "127.0.0.1:" + ratingsPort).containsEntry("upstreamCluster", "PassthroughCluster")
                .containsEntry("route", "allow_any");
    }

    @Test
    void theStandardOutputQueueDropsLinesRatherThanBlockAnEventLoop() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream stuck = new OutputStream() { // a reader of standard output that stopped reading
            @Override
            public void write(int b) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (written) {
                    written.write(b);
                }
            }
        };
        QueuedLineWriter writer = new QueuedLineWriter(new PrintStream(stuck, false, StandardCharsets.UTF_8), 8, "test-access-log");
        int offered = 1_000;
        // Offered from a Reactor parallel thread, which BlockHound treats as an event loop: any wait fails the test.
        Mono.fromRunnable(() -> {
            for (int i = 0; i < offered; i++) {
                writer.accept("line " + i);
            }
        }).subscribeOn(Schedulers.parallel()).block(WAIT);
        // The writer thread holds at most one line (stuck in the stream) besides the 8 queued.
        assertThat(writer.dropped()).isBetween((long) offered - 9, (long) offered - 8);

        release.countDown();
        long kept = offered - writer.dropped();
        await().atMost(WAIT).untilAsserted(() -> assertThat(writer.written()).isEqualTo(kept));
        String out;
        synchronized (written) {
            out = written.toString(StandardCharsets.UTF_8);
        }
        assertThat(out.lines().toList()).hasSize((int) kept).startsWith("line 0");
        // Room again once the output keeps up.
        writer.accept("after");
        await().atMost(WAIT).untilAsserted(() -> assertThat(writer.written()).isEqualTo(kept + 1));
    }

    // --- the parts

    private void start(AccessLog accessLog) {
        TestConfigSource rules = new TestConfigSource();
        Mesh ratingsMesh = mesh("ratings-v1", "ratings", accessLog, new TestConfigSource());
        MeshServer ratings = ratingsMesh.server(request -> request.body().doOnNext(ByteBuf::release).then(Mono.fromSupplier(() ->
                ratingsCalls.incrementAndGet() == 1 ? MeshResponse.text(503, "busy") : MeshResponse.text(200, "{\"stars\":5}")))).bind();
        closing.add(ratingsMesh::close);
        closing.add(ratings::close);
        Mesh reviewsMesh = mesh("reviews-v2", "reviews", accessLog, rules);
        MeshServer reviews = reviewsMesh.server(request -> request.body().doOnNext(ByteBuf::release)
                .then(reviewsMesh.client().get("http://ratings.bookinfo.svc.cluster.local:9080/ratings/0").retrieve())
                .map(stars -> MeshResponse.text(200, "reviews with " + stars))).bind();
        closing.add(reviewsMesh::close);
        closing.add(reviews::close);
        Mesh detailsMesh = mesh("details-v1", "details", accessLog, new TestConfigSource());
        // details answers after 3 s, past the 200 ms timeout of its route.
        MeshServer details = detailsMesh.server(request -> request.body().doOnNext(ByteBuf::release)
                .then(Mono.delay(Duration.ofSeconds(3))).thenReturn(MeshResponse.text(200, "details"))).bind();
        closing.add(detailsMesh::close);
        closing.add(details::close);
        ratingsPort = ratings.port();
        reviewsPort = reviews.port();
        detailsPort = details.port();
        String[] routes = routes();
        rules.push(Bookinfo.service("ratings", ratingsPort), Bookinfo.service("reviews", reviewsPort),
                Bookinfo.service("details", detailsPort), routes[0], routes[1]);
        productpage = mesh("productpage-v1", "productpage", accessLog, rules);
        closing.add(productpage::close);
    }

    private Mesh mesh(String name, String app, AccessLog accessLog, TestConfigSource source) {
        List<String> sink = lines.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>());
        MeshTelemetry telemetry = MeshTelemetry.builder(OpenTelemetry.noop()).metrics(false).tracing(false)
                .accessLog(accessLog.to(sink::add)).clock(CLOCK).build();
        return Mesh.builder().workload(LocalWorkload.of(name, "bookinfo", Map.of("app", app, "version", name.substring(name.indexOf('-') + 1))))
                .configSource(source).extension(telemetry).build();
    }

    private List<String> lines(String workload) {
        return lines.getOrDefault(workload, List.of());
    }

    private String only(String workload) {
        assertThat(lines(workload)).hasSize(1);
        return lines(workload).get(0);
    }

    /** The one line of {@code workload} that contains {@code marker}. */
    private String side(String workload, String marker) {
        List<String> found = lines(workload).stream().filter(line -> line.contains(marker)).toList();
        assertThat(found).as("lines of %s with %s", workload, marker).hasSize(1);
        return found.get(0);
    }

    private static List<String> keys(JsonNode json) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            keys.add(names.next());
        }
        return keys;
    }

    private static String[] routes() {
        return (Bookinfo.retryingRatings("") + """
                ---SPLIT---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: details
                  namespace: bookinfo
                spec:
                  hosts:
                  - details.bookinfo.svc.cluster.local
                  http:
                  - name: details-route
                    route:
                    - destination:
                        host: details.bookinfo.svc.cluster.local
                    timeout: 200ms
                    retries:
                      attempts: 0
                """).split("---SPLIT---\n");
    }
}
