package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.Mesh;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.routing.RoutingExtension;
import io.inmesh.core.testing.TestConfigSource;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Request mirroring over real sockets: the mirror receives about {@code mirrorPercentage} of the
 * requests, with Envoy's {@code -shadow} host, and the caller always gets the primary's answer, also
 * when the mirror is slow or failing.
 */
@ExtendWith(BlockHoundExtension.class)
class MirrorIT {

    private static final int REQUESTS = 2_000;
    private static final int CONCURRENCY = 32;
    private static final double Z_999 = 3.29;

    private static final String VIRTUAL_SERVICE = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              hosts:
              - reviews
              http:
              - name: share
                match:
                - uri:
                    prefix: /share/
                route:
                - destination:
                    host: reviews
                    subset: v1
                mirror:
                  host: reviews
                  subset: v2
                mirrorPercentage:
                  value: 40
              - name: slow-mirror
                match:
                - uri:
                    prefix: /slow/
                timeout: 1s
                route:
                - destination:
                    host: reviews
                    subset: v1
                mirrors:
                - destination:
                    host: reviews
                    subset: v3
              - name: failing-mirror
                match:
                - uri:
                    prefix: /fail/
                route:
                - destination:
                    host: reviews
                    subset: v1
                mirrors:
                - destination:
                    host: reviews
                    subset: v3
                - destination:
                    host: reviews
                    subset: v9
              - name: all
                route:
                - destination:
                    host: reviews
                    subset: v1
                mirror:
                  host: reviews
                  subset: v2
            """;

    private static UpstreamWorkload v1;
    private static UpstreamWorkload v2;
    private static UpstreamWorkload v3;
    private static final Queue<String> mirroredBodies = new ConcurrentLinkedQueue<>();
    private static Mesh productpage;

    @BeforeAll
    static void start() {
        v1 = UpstreamWorkload.start("reviews-v1", "reviews", "v1");
        v2 = UpstreamWorkload.start("reviews-v2", "reviews", "v2", self -> request -> request.body()
                .map(buffer -> {
                    String text = buffer.toString(StandardCharsets.UTF_8);
                    buffer.release();
                    return text;
                })
                .collectList()
                .map(parts -> {
                    if (!parts.isEmpty()) {
                        mirroredBodies.add(String.join("", parts));
                    }
                    return MeshResponse.text(200, "reviews-v2");
                }));
        // The troubled mirror: slow (6 s) on /slow/, a 500 on everything else.
        v3 = UpstreamWorkload.start("reviews-v3", "reviews", "v3", self -> request -> request.body().doOnNext(ByteBuf::release)
                .then(request.path().startsWith("/slow/")
                        ? Mono.delay(Duration.ofSeconds(6)).thenReturn(MeshResponse.text(200, "reviews-v3 late"))
                        : Mono.just(MeshResponse.text(500, "reviews-v3 broken"))));
        Random random = new Random(20261202L);
        TestConfigSource source = new TestConfigSource().push(Yaml.serviceEntry("reviews"), v1.workloadEntry(), v2.workloadEntry(),
                v3.workloadEntry(), Yaml.reviewsSubsets(), VIRTUAL_SERVICE);
        productpage = Meshes.client(source, "productpage-v1", Map.of("app", "productpage", "version", "v1"),
                builder -> builder.extension(new RoutingExtension(() -> random)));
    }

    @AfterAll
    static void stop() {
        productpage.close();
        v1.close();
        v2.close();
        v3.close();
    }

    private static List<String> calls(String path, int requests) {
        return Flux.range(0, requests)
                .flatMap(i -> productpage.client().get("http://reviews:9080" + path + i).retrieve(), CONCURRENCY)
                .collectList()
                .block(Duration.ofSeconds(60));
    }

    @Test
    void theMirrorGetsItsShareOfCopiesWithTheShadowHost() {
        int v2Before = v2.requests();
        int v1Before = v1.requests();
        List<String> answers = calls("/share/", REQUESTS);
        assertThat(answers).containsOnly("reviews-v1").hasSize(REQUESTS);
        assertThat(v1.requests() - v1Before).isEqualTo(REQUESTS);

        // Copies are fire and forget: wait until they stop arriving.
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    int now = v2.requests();
                    Thread.sleep(300); // on the test thread, never a Netty thread
                    return v2.requests() == now;
                });
        int mirrored = v2.requests() - v2Before;
        double sigma = Math.sqrt(REQUESTS * 0.4 * 0.6);
        System.out.printf("MirrorIT mirrorPercentage 40: %d of %d mirrored%n", mirrored, REQUESTS);
        assertThat((double) mirrored).isBetween(REQUESTS * 0.4 - Z_999 * sigma, REQUESTS * 0.4 + Z_999 * sigma);
        List<UpstreamWorkload.Seen> copies = v2.seen().subList(v2.seen().size() - mirrored, v2.seen().size());
        assertThat(copies).allSatisfy(seen -> {
            assertThat(seen.authority()).isEqualTo("reviews-shadow:9080");
            assertThat(seen.pathAndQuery()).startsWith("/share/");
        });
    }

    @Test
    void aSlowMirrorDoesNotDelayTheCaller() {
        long started = System.nanoTime();
        List<String> answers = calls("/slow/", 20);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(answers).containsOnly("reviews-v1").hasSize(20);
        // The mirror would answer after 6 s (its copies are cut at the route's 1 s timeout); the callers
        // got their answers well before (a generous bound).
        assertThat(took).isLessThan(Duration.ofMillis(4_500));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> v3.seen().stream().filter(s -> s.pathAndQuery().startsWith("/slow/")).count() == 20);
    }

    @Test
    void aFailingMirrorOrOneWithoutClusterNeverAffectsTheCaller() {
        List<String> answers = calls("/fail/", 200);
        assertThat(answers).containsOnly("reviews-v1").hasSize(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> v3.seen().stream().filter(s -> s.pathAndQuery().startsWith("/fail/")).count() == 200);
    }

    @Test
    void aBodyIsMirroredToo() {
        mirroredBodies.clear();
        String body = "{\"reviewer\":\"jason\",\"stars\":5}";
        MeshResponse response = productpage.client().exchange(MeshRequest.builder(io.netty.handler.codec.http.HttpMethod.POST,
                        "http://reviews:9080/reviews/1")
                .setHeader("content-length", body.length())
                .body(Flux.defer(() -> Flux.just(io.netty.buffer.Unpooled.copiedBuffer(body, StandardCharsets.UTF_8))))
                .build()).block(Meshes.WAIT);
        assertThat(response.bodyAsString().block(Meshes.WAIT)).isEqualTo("reviews-v1");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> mirroredBodies.contains(body));
    }
}
