package io.inmesh.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.MeshServer;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.telemetry.CallRecord;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import io.inmesh.telemetry.internal.CallObserver;
import io.inmesh.telemetry.internal.CompletedCall;
import io.netty.buffer.ByteBuf;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The telemetry step on real sockets: what the route and wire steps record reaches the end of the
 * call, bytes are counted, a call ends exactly once however it ends, and what an inbound call puts in
 * the Reactor context reaches the outbound calls its handler makes.
 */
@ExtendWith(BlockHoundExtension.class)
class TelemetryStepIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String RATINGS = "http://ratings.bookinfo.svc.cluster.local:9080/ratings/0";

    private final Recorder recorder = new Recorder();
    private final AtomicInteger ratingsCalls = new AtomicInteger();
    private final TestConfigSource rules = new TestConfigSource();
    private Mesh ratingsMesh;
    private MeshServer ratings;
    private Mesh reviewsMesh;
    private MeshServer reviews;
    private Mesh productpage;

    @BeforeEach
    void start() {
        ratingsMesh = mesh("ratings-v1", Map.of("app", "ratings", "version", "v1"), new TestConfigSource());
        ratings = ratingsMesh.server(request -> request.body().doOnNext(ByteBuf::release).then(Mono.fromSupplier(() ->
                ratingsCalls.incrementAndGet() == 1 ? MeshResponse.text(503, "busy") : MeshResponse.text(200, "{\"stars\":5}")))).bind();
        reviewsMesh = mesh("reviews-v2", Map.of("app", "reviews", "version", "v2"), rules);
        // reviews calls ratings while it handles a request: the outbound call runs inside the inbound one.
        reviews = reviewsMesh.server(request -> request.body().doOnNext(ByteBuf::release)
                .then(reviewsMesh.client().get(RATINGS).retrieve())
                .map(stars -> MeshResponse.text(200, "reviews with " + stars))).bind();
        rules.push(Bookinfo.service("ratings", ratings.port()), Bookinfo.service("reviews", reviews.port()), Bookinfo.retryingRatings(""));
        productpage = mesh("productpage-v1", Map.of("app", "productpage", "version", "v1"), rules);
    }

    @AfterEach
    void stop() {
        productpage.close();
        reviews.close();
        reviewsMesh.close();
        ratings.close();
        ratingsMesh.close();
    }

    @Test
    void eachCallEndsOnceWithWhatItsStepsRecorded() {
        String body = productpage.client().post("http://reviews.bookinfo.svc.cluster.local:9080/reviews/0").body("0123456789")
                .retrieve().block(WAIT);
        assertThat(body).isEqualTo("reviews with {\"stars\":5}");

        await().atMost(WAIT).untilAsserted(() -> assertThat(recorder.summary()).hasSize(5));
        CompletedCall toReviews = recorder.one("productpage-v1", CallRecord.Direction.OUTBOUND);
        assertThat(toReviews.status()).isEqualTo(200);
        assertThat(toReviews.end()).isEqualTo(CompletedCall.End.COMPLETED);
        assertThat(toReviews.requestBytes()).isEqualTo(10);
        assertThat(toReviews.responseBytes()).isEqualTo(body.length());
        assertThat(toReviews.record().destinationHost()).isEqualTo("reviews.bookinfo.svc.cluster.local");
        assertThat(toReviews.record().destinationPort()).isEqualTo(9080);
        assertThat(toReviews.record().upstream().port()).isEqualTo(reviews.port());
        assertThat(toReviews.record().upstreamRequests()).isEqualTo(1);
        assertThat(toReviews.record().upstreamPeer().workload()).isEqualTo("reviews-v2");
        assertThat(toReviews.record().upstreamPeer().labels()).containsEntry("version", "v2");

        CompletedCall reviewsServed = recorder.one("reviews-v2", CallRecord.Direction.INBOUND);
        assertThat(reviewsServed.status()).isEqualTo(200);
        assertThat(reviewsServed.requestBytes()).isEqualTo(10);
        assertThat(reviewsServed.responseBytes()).isEqualTo(body.length());

        CompletedCall toRatings = recorder.one("reviews-v2", CallRecord.Direction.OUTBOUND);
        assertThat(toRatings.record().virtualService()).isEqualTo("bookinfo/ratings");
        assertThat(toRatings.record().routeName()).isEqualTo("ratings-route");
        assertThat(toRatings.record().upstreamRequests()).as("the first try got 503 and was retried").isEqualTo(2);
        assertThat(toRatings.record().upstreamPeer().workload()).isEqualTo("ratings-v1");
        // The inbound call's context reached the outbound call its handler made.
        assertThat(recorder.contextSeenBy("reviews-v2", CallRecord.Direction.OUTBOUND)).isEqualTo("inside an inbound call");
        assertThat(recorder.contextSeenBy("productpage-v1", CallRecord.Direction.OUTBOUND)).isNull();

        assertThat(recorder.inbound("ratings-v1")).extracting(CompletedCall::status).containsExactlyInAnyOrder(503, 200);
    }

    @Test
    void aMeshFailureEndsTheCallWithItsStatusAndFlag() {
        Throwable failure = productpage.client().get("http://ratings.bookinfo.svc.cluster.local:9080/nowhere").exchange()
                .then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT);
        assertThat(failure).isInstanceOf(MeshException.class);

        await().atMost(WAIT).untilAsserted(() -> assertThat(recorder.summary()).hasSize(1));
        CompletedCall call = recorder.ended.get(0);
        assertThat(call.status()).isEqualTo(404);
        assertThat(call.flags()).containsExactly(ResponseFlag.NR);
        assertThat(call.flagsText()).isEqualTo("NR");
        assertThat(call.end()).isEqualTo(CompletedCall.End.FAILED);
        assertThat(call.record().upstreamRequests()).isZero();
    }

    @Test
    void theApplicationSeesNoPeerHeaderAndAThrowingObserverCostsNothing() {
        recorder.throwOnEnd = true;
        MeshResponse response = productpage.client().get("http://reviews.bookinfo.svc.cluster.local:9080/reviews/0").exchange().block(WAIT);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().contains("x-inmesh-peer")).isFalse();
        assertThat(response.bodyAsString().block(WAIT)).startsWith("reviews with");
        await().atMost(WAIT).untilAsserted(() -> assertThat(recorder.summary()).hasSize(5));
    }

    // --- the parts

    private Mesh mesh(String name, Map<String, String> labels, TestConfigSource source) {
        MeshTelemetry telemetry = MeshTelemetry.builder(OpenTelemetry.noop()).metrics(false).tracing(false).observer(recorder).build();
        return Mesh.builder().workload(LocalWorkload.of(name, "bookinfo", labels)).configSource(source).extension(telemetry).build();
    }

    /** Records every call and puts a marker in the context of inbound calls. */
    private static final class Recorder implements CallObserver {
        private static final String MARK = "test-mark";
        final List<CompletedCall> ended = new CopyOnWriteArrayList<>();
        final Map<CallRecord, String> contexts = new java.util.concurrent.ConcurrentHashMap<>();
        volatile boolean throwOnEnd;

        @Override
        public MeshRequest onStart(CallRecord call, MeshRequest request, ContextView context) {
            contexts.put(call, context.getOrDefault(MARK, "none"));
            return request;
        }

        @Override
        public Context inside(CallRecord call, Context context) {
            return call.direction() == CallRecord.Direction.INBOUND ? context.put(MARK, "inside an inbound call") : context;
        }

        @Override
        public void onEnd(CompletedCall call) {
            ended.add(call);
            if (throwOnEnd) {
                throw new IllegalStateException("a broken observer");
            }
        }

        /** One line per ended call, for failure messages. */
        List<String> summary() {
            return ended.stream().map(c -> c.workload().name() + " " + c.record().direction() + " " + c.status() + " " + c.end()).toList();
        }

        CompletedCall one(String workload, CallRecord.Direction direction) {
            List<CompletedCall> calls = ended.stream()
                    .filter(c -> c.workload().name().equals(workload) && c.record().direction() == direction).toList();
            assertThat(calls).hasSize(1);
            return calls.get(0);
        }

        List<CompletedCall> inbound(String workload) {
            return ended.stream().filter(c -> c.workload().name().equals(workload) && c.record().direction() == CallRecord.Direction.INBOUND)
                    .toList();
        }

        String contextSeenBy(String workload, CallRecord.Direction direction) {
            String seen = contexts.get(one(workload, direction).record());
            return "none".equals(seen) ? null : seen;
        }
    }

}
