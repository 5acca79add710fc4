package io.inmesh.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.MeshSnapshot;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.registry.ServiceRegistry;
import io.inmesh.routing.RetryPolicy;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RoutePolicy;
import io.inmesh.routing.RoutingAttributes;
import io.inmesh.routing.WeightedDestination;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Envoy's request mirroring: a fire-and-forget copy to the mirror's cluster with a {@code -shadow} host. */
class MirrorInterceptorTest {

    private static final String REVIEWS = "reviews.bookinfo.svc.cluster.local";
    private static final WeightedDestination PRIMARY = new WeightedDestination(REVIEWS, null, null, 100);
    private static final WeightedDestination MIRROR = new WeightedDestination("reviews-shadow-target.bookinfo.svc.cluster.local", null, null, 100);

    private final Random random = new Random(7);
    private final RoutingRuntime runtime = new RoutingRuntime(() -> random, System::nanoTime);
    private final MirrorInterceptor mirrors = new MirrorInterceptor(runtime);
    private final MeshSnapshot snapshot = snapshot();

    private MeshSnapshot snapshot() {
        MeshConfig config = MeshConfig.load("empty.yaml", "").config();
        LocalWorkload workload = LocalWorkload.of("productpage-v1", "bookinfo", Map.of("app", "productpage"));
        ClusterCatalog catalog = new ClusterCatalog(config, workload, new ClusterStates(runtime));
        return new MeshSnapshot(1, config, Map.of(ClusterCatalog.class, catalog, ServiceRegistry.class, ServiceRegistry.compile(config)),
                Instant.now());
    }

    private MeshRequest request(int perMillion, Duration timeout, MeshRequest.Builder builder) {
        RoutePolicy policy = new RoutePolicy(timeout, RetryPolicy.ISTIO_DEFAULT, null, List.of(new RoutePolicy.Mirror(MIRROR, perMillion)),
                null, RoutePolicy.HeaderOperations.NONE, RoutePolicy.HeaderOperations.NONE);
        RouteDecision decision = new RouteDecision(RouteDecision.Outcome.ROUTED, "bookinfo/reviews", null, 0, null, List.of(PRIMARY), policy);
        ClusterCatalog catalog = snapshot.require(ClusterCatalog.class);
        return builder.attribute(RoutingAttributes.DECISION, decision)
                .attribute(RoutingAttributes.DESTINATION, PRIMARY)
                .attribute(RoutingKeys.CLUSTER, catalog.resolve(PRIMARY, 9080))
                .build();
    }

    private MeshRequest get(int perMillion) {
        return request(perMillion, null, MeshRequest.builder(HttpMethod.GET, "http://reviews:9080/reviews/1"));
    }

    @Test
    void aCopyGoesToTheMirrorClusterWithTheShadowHostAndIsMarked() {
        RecordingChain chain = new RecordingChain(snapshot, r -> Mono.fromSupplier(() -> MeshResponse.text(200, "ok")));
        MeshResponse response = mirrors.intercept(get(1_000_000), chain).block();
        assertThat(response.bodyAsString().block()).isEqualTo("ok");

        assertThat(chain.proceeded).singleElement().satisfies(primary -> {
            assertThat(primary.authority()).isEqualTo("reviews:9080");
            assertThat(primary.attribute(RoutingKeys.MIRRORED)).isNull();
        });
        assertThat(chain.forked).singleElement().satisfies(copy -> {
            assertThat(copy.authority()).isEqualTo("reviews-shadow:9080");
            assertThat(copy.attribute(RoutingKeys.MIRRORED)).isTrue();
            assertThat(copy.attribute(RoutingKeys.CLUSTER).key()).isEqualTo("reviews-shadow-target.bookinfo.svc.cluster.local||9080");
            assertThat(copy.attribute(RoutingAttributes.DESTINATION)).isEqualTo(MIRROR);
        });
    }

    @Test
    void theShadowSuffixGoesBeforeThePortOrAtTheEnd() {
        assertThat(MirrorInterceptor.shadowAuthority(MeshRequest.builder(HttpMethod.GET, "http://reviews:9080/").build()))
                .isEqualTo("reviews-shadow:9080");
        assertThat(MirrorInterceptor.shadowAuthority(MeshRequest.builder(HttpMethod.GET, "http://reviews/").build()))
                .isEqualTo("reviews-shadow");
    }

    @Test
    void aFailingOrHangingMirrorNeverReachesTheCaller() {
        RecordingChain failing = new RecordingChain(snapshot, r -> Boolean.TRUE.equals(r.attribute(RoutingKeys.MIRRORED))
                ? Mono.error(new IllegalStateException("mirror down"))
                : Mono.fromSupplier(() -> MeshResponse.text(200, "primary")));
        assertThat(mirrors.intercept(get(1_000_000), failing).flatMap(MeshResponse::bodyAsString).block()).isEqualTo("primary");

        RecordingChain hanging = new RecordingChain(snapshot, r -> Boolean.TRUE.equals(r.attribute(RoutingKeys.MIRRORED))
                ? Mono.never()
                : Mono.fromSupplier(() -> MeshResponse.text(200, "primary")));
        MeshRequest bounded = request(1_000_000, Duration.ofMillis(50), MeshRequest.builder(HttpMethod.GET, "http://reviews:9080/"));
        assertThat(mirrors.intercept(bounded, hanging).flatMap(MeshResponse::bodyAsString).block(Duration.ofSeconds(5))).isEqualTo("primary");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> mirrors.failedCopies() == 2);
    }

    @Test
    void aMirroredCopyIsNotMirroredAgainAndNoShareMeansNoCopy() {
        RecordingChain chain = new RecordingChain(snapshot, r -> Mono.fromSupplier(() -> MeshResponse.text(200, "ok")));
        MeshRequest copy = get(1_000_000).withAttribute(RoutingKeys.MIRRORED, Boolean.TRUE);
        mirrors.intercept(copy, chain).flatMap(MeshResponse::releaseBody).block();
        mirrors.intercept(get(0), chain).flatMap(MeshResponse::releaseBody).block();
        assertThat(chain.forked).isEmpty();
        assertThat(chain.proceeded).hasSize(2);
    }

    @Test
    void theShareOfCopiesFollowsThePercentage() {
        RecordingChain chain = new RecordingChain(snapshot, r -> Mono.fromSupplier(() -> MeshResponse.text(200, "ok")));
        int requests = 10_000;
        for (int i = 0; i < requests; i++) {
            mirrors.intercept(get(250_000), chain).flatMap(MeshResponse::releaseBody).block();
        }
        double sigma = Math.sqrt(requests * 0.25 * 0.75);
        assertThat((double) chain.forked.size()).isBetween(2500 - 3.29 * sigma, 2500 + 3.29 * sigma);
    }

    @Test
    void aReplayableBodyIsSentToBothAndReleasedAfterwards() {
        byte[] bytes = "{\"rating\":5}".getBytes(StandardCharsets.UTF_8);
        ByteBuf original = Unpooled.copiedBuffer(bytes);
        AtomicInteger bodiesRead = new AtomicInteger();
        RecordingChain chain = new RecordingChain(snapshot, r -> r.body().map(b -> {
            String text = b.toString(StandardCharsets.UTF_8);
            b.release();
            return text;
        }).collectList().map(parts -> {
            bodiesRead.incrementAndGet();
            return MeshResponse.text(200, String.join("", parts));
        }));
        MeshRequest post = request(1_000_000, null, MeshRequest.builder(HttpMethod.POST, "http://reviews:9080/ratings")
                .setHeader("content-length", bytes.length)
                .body(Flux.just(original)));
        assertThat(mirrors.intercept(post, chain).flatMap(MeshResponse::bodyAsString).block()).isEqualTo("{\"rating\":5}");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> bodiesRead.get() == 2);
        assertThat(chain.forked).hasSize(1);
        ReplayableBody kept = chain.proceeded.get(0).attribute(RoutingKeys.BODY);
        assertThat(kept).isNotNull();
    }

    @Test
    void aBodyThatCannotBeReplayedIsNotMirrored() {
        RecordingChain chain = new RecordingChain(snapshot, r -> r.body().doOnNext(ByteBuf::release).then(Mono.fromSupplier(() -> MeshResponse.text(200, "ok"))));
        MeshRequest chunked = request(1_000_000, null, MeshRequest.builder(HttpMethod.POST, "http://reviews:9080/ratings")
                .setHeader("transfer-encoding", "chunked")
                .body(Flux.just(Unpooled.copiedBuffer("x", StandardCharsets.UTF_8))));
        mirrors.intercept(chunked, chain).flatMap(MeshResponse::releaseBody).block();
        assertThat(chain.forked).isEmpty();
        assertThat(chain.proceeded).hasSize(1);
    }
}
