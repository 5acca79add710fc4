package io.inmesh.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.model.ConnectionPoolSettings;
import io.inmesh.core.model.HttpRetry;
import io.inmesh.routing.ClusterPolicy;
import io.inmesh.routing.RetryPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The retry step against a scripted rest-of-stack: what is retried and how often, the flags Envoy
 * sets when retries run out ({@code URX}) or the retry cap refuses one ({@code UO}), per-try
 * timeouts, body replay, and the bookkeeping the endpoint step and the retry budget rely on.
 */
class RetryInterceptorTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final RetryInterceptor retry = new RetryInterceptor(FakeChain.RUNTIME);

    private static RetryPolicy policy(int attempts, String retryOn, Duration perTryTimeout) {
        return RetryPolicy.of(new HttpRetry(attempts, perTryTimeout, retryOn, null, null, Duration.ofMillis(1)));
    }

    private static Mono<MeshResponse> status(int status) {
        return Mono.just(MeshResponse.text(status, "status " + status));
    }

    private static ResolvedCluster maxRetries(int max) {
        ConnectionPoolSettings pool = new ConnectionPoolSettings(null,
                new ConnectionPoolSettings.HttpSettings(null, null, null, max, null, null, null, null));
        return FakeChain.cluster(new ClusterPolicy("reviews.bookinfo.svc.cluster.local|v1|9080", "bookinfo/reviews", null, pool, null, null, null));
    }

    private MeshResponse call(FakeChain chain, MeshRequest request) {
        return retry.intercept(request, chain).block(WAIT);
    }

    @Test
    void retriesAfterFailuresUntilATrySucceeds() {
        FakeChain chain = new FakeChain((request, n) -> n < 2 ? status(503) : status(200));
        ResolvedCluster cluster = FakeChain.defaultCluster();

        MeshResponse response = call(chain, FakeChain.routed(null, policy(3, "5xx", null), cluster));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.flags()).isEmpty();
        assertThat(chain.tries()).isEqualTo(3);
        assertThat(chain.proceeded()).as("proceed is called once; each try resubscribes").isEqualTo(1);
        assertThat(cluster.state().load().activeRetries.get()).as("every retry slot given back").isZero();
        assertThat(cluster.state().retries().retries()).isEqualTo(2);
    }

    @Test
    void stopsAtAttemptsAndReturnsTheLastResponseFlaggedUrx() {
        FakeChain chain = new FakeChain((request, n) -> status(503));

        MeshResponse response = call(chain, FakeChain.routed(null, policy(2, "5xx", null), FakeChain.defaultCluster()));

        assertThat(chain.tries()).isEqualTo(3);
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.flags()).containsExactly(ResponseFlag.URX);
        assertThat(response.headers().get(MeshResponse.FLAGS_HEADER)).isEqualTo("URX");
    }

    @Test
    void istioDefaultRetriesTwiceOn503ButNotOn500() {
        FakeChain on503 = new FakeChain((request, n) -> status(503));
        assertThat(call(on503, FakeChain.routed(null, RetryPolicy.ISTIO_DEFAULT, FakeChain.defaultCluster())).status()).isEqualTo(503);
        assertThat(on503.tries()).isEqualTo(3);

        FakeChain on500 = new FakeChain((request, n) -> status(500));
        MeshResponse response = call(on500, FakeChain.routed(null, RetryPolicy.ISTIO_DEFAULT, FakeChain.defaultCluster()));
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.flags()).isEmpty();
        assertThat(on500.tries()).isEqualTo(1);
    }

    @Test
    void aConnectFailureIsRetriedAndWhenRetriesRunOutFailsWithUfAndUrx() {
        FakeChain chain = new FakeChain((request, n) -> Mono.error(new MeshException.UpstreamConnectFailure("connect refused", null)));

        MeshException.UpstreamConnectFailure failure = catchThrowableOfType(MeshException.UpstreamConnectFailure.class,
                () -> call(chain, FakeChain.routed(null, RetryPolicy.ISTIO_DEFAULT, FakeChain.defaultCluster())));

        assertThat(chain.tries()).isEqualTo(3);
        assertThat(failure.status()).isEqualTo(503);
        assertThat(failure.flag()).isEqualTo(ResponseFlag.UF);
        assertThat(failure.flags()).containsExactly(ResponseFlag.UF, ResponseFlag.URX);
        assertThat(MeshResponse.of(failure).headers().get(MeshResponse.FLAGS_HEADER)).isEqualTo("UF,URX");
    }

    @Test
    void aFailureTheConditionsDoNotCoverIsNotRetried() {
        FakeChain chain = new FakeChain((request, n) -> Mono.error(new MeshException.UpstreamReset("reset", null)));

        MeshException failure = catchThrowableOfType(MeshException.class,
                () -> call(chain, FakeChain.routed(null, policy(3, "connect-failure", null), FakeChain.defaultCluster())));

        assertThat(chain.tries()).isEqualTo(1);
        assertThat(failure.flags()).containsExactly(ResponseFlag.UC);
    }

    @Test
    void aRetryTheCapRefusesIsNotMadeAndTheResponseIsFlaggedUo() {
        FakeChain chain = new FakeChain((request, n) -> status(503));
        ResolvedCluster cluster = maxRetries(0);

        MeshResponse response = call(chain, FakeChain.routed(null, policy(2, "5xx", null), cluster));

        assertThat(chain.tries()).isEqualTo(1);
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.flags()).containsExactly(ResponseFlag.UO);
        assertThat(cluster.state().retries().overflows()).isEqualTo(1);
    }

    @Test
    void theCapCountsRetriesOfAllCallsToTheCluster() {
        ResolvedCluster cluster = maxRetries(1);
        // Another call's retry holds the only slot.
        assertThat(cluster.state().retries().tryAcquire()).isTrue();
        FakeChain chain = new FakeChain((request, n) -> Mono.error(new MeshException.UpstreamConnectFailure("refused", null)));

        MeshException failure = catchThrowableOfType(MeshException.class,
                () -> call(chain, FakeChain.routed(null, RetryPolicy.ISTIO_DEFAULT, cluster)));

        assertThat(chain.tries()).isEqualTo(1);
        assertThat(failure.flags()).containsExactly(ResponseFlag.UF, ResponseFlag.UO);
        cluster.state().retries().release();
        assertThat(cluster.state().load().activeRetries.get()).isZero();
    }

    @Test
    void attemptsZeroMeansOneTry() {
        FakeChain chain = new FakeChain((request, n) -> status(503));

        MeshResponse response = call(chain, FakeChain.routed(null, RetryPolicy.NONE, FakeChain.defaultCluster()));

        assertThat(chain.tries()).isEqualTo(1);
        assertThat(response.flags()).isEmpty();
        assertThat(chain.seen().get(0).attribute(RoutingKeys.ATTEMPT)).isNotNull();
    }

    @Test
    void aTryPastItsPerTryTimeoutIsCancelledAndRetriedUnder5xx() {
        AtomicBoolean cancelled = new AtomicBoolean();
        FakeChain chain = new FakeChain((request, n) -> n == 0 ? Mono.<MeshResponse>never().doOnCancel(() -> cancelled.set(true)) : status(200));

        MeshResponse response = call(chain, FakeChain.routed(null, policy(2, "5xx", Duration.ofMillis(50)), FakeChain.defaultCluster()));

        assertThat(response.status()).isEqualTo(200);
        assertThat(chain.tries()).isEqualTo(2);
        assertThat(cancelled).isTrue();
    }

    @Test
    void aPerTryTimeoutNotCoveredByRetryOnFailsWith504Ut() {
        FakeChain chain = new FakeChain((request, n) -> Mono.never());

        MeshException.UpstreamTimeout failure = catchThrowableOfType(MeshException.UpstreamTimeout.class,
                () -> call(chain, FakeChain.routed(null, policy(2, "connect-failure", Duration.ofMillis(30)), FakeChain.defaultCluster())));

        assertThat(chain.tries()).isEqualTo(1);
        assertThat(failure.status()).isEqualTo(504);
        assertThat(failure.flags()).containsExactly(ResponseFlag.UT);
        assertThat(failure.reason()).contains("per-try timeout 30ms");
    }

    @Test
    void thePerTryTimeoutAlsoBoundsTheBodyOfTheTryThatAnswered() {
        AtomicBoolean bodyCancelled = new AtomicBoolean();
        Flux<ByteBuf> endless = Flux.<ByteBuf>never().doOnCancel(() -> bodyCancelled.set(true));
        FakeChain chain = new FakeChain((request, n) -> Mono.just(MeshResponse.of(200, new io.netty.handler.codec.http.DefaultHttpHeaders(), endless)));

        MeshResponse response = call(chain, FakeChain.routed(null, policy(2, "5xx", Duration.ofMillis(50)), FakeChain.defaultCluster()));
        MeshException.UpstreamTimeout failure = catchThrowableOfType(MeshException.UpstreamTimeout.class,
                () -> response.releaseBody().block(WAIT));

        assertThat(failure.flags()).containsExactly(ResponseFlag.UT);
        assertThat(bodyCancelled).isTrue();
        assertThat(chain.tries()).as("a response already under way is not retried").isEqualTo(1);
    }

    @Test
    void everyTryTimesOutThenUtAndUrx() {
        FakeChain chain = new FakeChain((request, n) -> Mono.never());

        MeshException failure = catchThrowableOfType(MeshException.class,
                () -> call(chain, FakeChain.routed(null, policy(2, "gateway-error", Duration.ofMillis(20)), FakeChain.defaultCluster())));

        assertThat(chain.tries()).isEqualTo(3);
        assertThat(failure.flags()).containsExactly(ResponseFlag.UT, ResponseFlag.URX);
    }

    @Test
    void eachTryKnowsItsNumberAndTheEndpointsTriedBefore() {
        FakeChain chain = new FakeChain((request, n) -> {
            AttemptContext attempt = request.attribute(RoutingKeys.ATTEMPT);
            assertThat(attempt.retry()).isEqualTo(n);
            assertThat(request.headers().getInt(RetryInterceptor.ATTEMPT_COUNT)).isEqualTo(n + 1);
            assertThat(attempt.avoid("127.0.0.1:1")).isEqualTo(n > 0);
            attempt.tried("127.0.0.1:" + (n + 1));
            return status(n < 2 ? 503 : 200);
        });

        assertThat(call(chain, FakeChain.routed(null, policy(2, "5xx", null), FakeChain.defaultCluster())).status()).isEqualTo(200);
    }

    private static MeshRequest.Builder post(String text, boolean withLength) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        MeshRequest.Builder builder = MeshRequest.builder(HttpMethod.POST, "http://reviews:9080/reviews");
        if (withLength) {
            builder.setHeader("content-length", bytes.length);
        }
        return builder.body(Flux.just(Unpooled.wrappedBuffer(bytes)));
    }

    private static Mono<String> read(MeshRequest request) {
        return request.body().map(chunk -> {
            try {
                return chunk.toString(StandardCharsets.UTF_8);
            } finally {
                chunk.release();
            }
        }).collectList().map(parts -> String.join("", parts));
    }

    @Test
    void aBodyOfKnownLengthIsSentAgainOnEveryTry() {
        List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
        FakeChain chain = new FakeChain((request, n) -> read(request).doOnNext(bodies::add).then(status(n < 2 ? 503 : 200)));
        MeshRequest request = FakeChain.routed(post("rating=5", true), null, policy(2, "5xx", null), FakeChain.defaultCluster());

        assertThat(call(chain, request).status()).isEqualTo(200);
        assertThat(bodies).containsExactly("rating=5", "rating=5", "rating=5");
    }

    @Test
    void aChunkedBodyIsSentOnceWithoutRetries() {
        FakeChain chain = new FakeChain((request, n) -> read(request).then(status(503)));
        MeshRequest request = FakeChain.routed(post("rating=5", false), null, policy(2, "5xx", null), FakeChain.defaultCluster());

        MeshResponse response = call(chain, request);

        assertThat(chain.tries()).isEqualTo(1);
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.flags()).as("no retry was possible, so none was exhausted").isEmpty();
    }

    @Test
    void theBodyOfARetriedResponseIsReleased() {
        List<ByteBuf> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        FakeChain chain = new FakeChain((request, n) -> {
            ByteBuf body = Unpooled.copiedBuffer("unavailable", StandardCharsets.UTF_8);
            sent.add(body);
            return Mono.just(MeshResponse.of(n == 0 ? 503 : 200, new io.netty.handler.codec.http.DefaultHttpHeaders(), Flux.just(body)));
        });

        MeshResponse response = call(chain, FakeChain.routed(null, policy(1, "5xx", null), FakeChain.defaultCluster()));
        response.releaseBody().block(WAIT);

        assertThat(sent).hasSize(2).allSatisfy(buffer -> assertThat(buffer.refCnt()).isZero());
    }

    @Test
    void aMirroredCopyIsNeverRetried() {
        FakeChain chain = new FakeChain((request, n) -> status(503));
        MeshRequest request = FakeChain.routed(null, policy(2, "5xx", null), FakeChain.defaultCluster())
                .withAttribute(RoutingKeys.MIRRORED, true);

        assertThat(call(chain, request).status()).isEqualTo(503);
        assertThat(chain.tries()).isEqualTo(1);
    }

    @Test
    void cancellingTheCallDuringABackOffGivesTheRetrySlotBack() {
        ResolvedCluster cluster = FakeChain.defaultCluster();
        RetryPolicy slow = RetryPolicy.of(new HttpRetry(2, null, "5xx", null, null, Duration.ofSeconds(10)));
        FakeChain chain = new FakeChain((request, n) -> status(503));

        reactor.core.Disposable call = retry.intercept(FakeChain.routed(null, slow, cluster), chain).subscribe();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> cluster.state().load().activeRetries.get() == 1 || chain.tries() > 1);
        call.dispose();

        assertThat(cluster.state().load().activeRetries.get()).isZero();
    }
}
