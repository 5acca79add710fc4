package io.inmesh.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.model.HttpRetry;
import io.inmesh.routing.RetryPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The route timeout against a scripted rest-of-stack: it bounds the wait for the response, every
 * retry and back-off below it, and the response body; when it passes the call fails with 504
 * {@code UT} and the upstream request is cancelled. No timeout, no bound.
 */
class TimeoutInterceptorTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final TimeoutInterceptor timeout = new TimeoutInterceptor(FakeChain.RUNTIME);

    @Test
    void aSlowUpstreamFailsWith504UtAndIsCancelled() {
        AtomicBoolean cancelled = new AtomicBoolean();
        FakeChain chain = new FakeChain((request, n) -> Mono.<MeshResponse>never().doOnCancel(() -> cancelled.set(true)));
        MeshRequest request = FakeChain.routed(Duration.ofMillis(100), RetryPolicy.NONE, FakeChain.defaultCluster());

        long start = System.nanoTime();
        MeshException.UpstreamTimeout failure = catchThrowableOfType(MeshException.UpstreamTimeout.class,
                () -> timeout.intercept(request, chain).block(WAIT));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(failure.status()).isEqualTo(504);
        assertThat(failure.flags()).containsExactly(ResponseFlag.UT);
        assertThat(failure.reason()).contains("route timeout 100ms").contains("reviews.bookinfo.svc.cluster.local|v1|9080");
        assertThat(cancelled).isTrue();
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(100)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anAnswerInTimePassesThrough() {
        FakeChain chain = new FakeChain((request, n) -> Mono.just(MeshResponse.text(200, "ok")));
        MeshRequest request = FakeChain.routed(Duration.ofSeconds(5), RetryPolicy.NONE, FakeChain.defaultCluster());

        assertThat(timeout.intercept(request, chain).flatMap(MeshResponse::bodyAsString).block(WAIT)).isEqualTo("ok");
    }

    @Test
    void withoutARouteTimeoutThereIsNoBound() {
        FakeChain chain = new FakeChain((request, n) -> Mono.delay(Duration.ofMillis(200)).thenReturn(MeshResponse.text(200, "late")));
        MeshRequest request = FakeChain.routed(null, RetryPolicy.NONE, FakeChain.defaultCluster());

        assertThat(timeout.intercept(request, chain).flatMap(MeshResponse::bodyAsString).block(WAIT)).isEqualTo("late");
    }

    @Test
    void aBodyStillStreamingWhenTheTimeoutPassesFailsWithUt() {
        AtomicBoolean bodyCancelled = new AtomicBoolean();
        ByteBuf first = Unpooled.copiedBuffer("first", StandardCharsets.UTF_8);
        Flux<ByteBuf> slowBody = Flux.concat(Flux.just(first), Flux.<ByteBuf>never().doOnCancel(() -> bodyCancelled.set(true)));
        FakeChain chain = new FakeChain((request, n) -> Mono.just(MeshResponse.of(200, new DefaultHttpHeaders(), slowBody)));
        MeshRequest request = FakeChain.routed(Duration.ofMillis(100), RetryPolicy.NONE, FakeChain.defaultCluster());

        MeshResponse response = timeout.intercept(request, chain).block(WAIT);
        assertThat(response.status()).isEqualTo(200);
        MeshException.UpstreamTimeout failure = catchThrowableOfType(MeshException.UpstreamTimeout.class,
                () -> response.body().doOnNext(ByteBuf::release).blockLast(WAIT));

        assertThat(failure.flags()).containsExactly(ResponseFlag.UT);
        assertThat(bodyCancelled).isTrue();
        assertThat(first.refCnt()).isZero();
    }

    @Test
    void theTimeoutBoundsEveryRetryAndBackOff() {
        // Each try answers 503 after 40 ms; 10 retries with back-offs would take far longer than 150 ms.
        RetryPolicy manyRetries = RetryPolicy.of(new HttpRetry(10, null, "5xx", null, null, Duration.ofMillis(25)));
        FakeChain chain = new FakeChain((request, n) -> Mono.delay(Duration.ofMillis(40)).thenReturn(MeshResponse.text(503, "busy")));
        ResolvedCluster cluster = FakeChain.defaultCluster();
        MeshRequest request = FakeChain.routed(Duration.ofMillis(150), manyRetries, cluster);
        RetryInterceptor retry = new RetryInterceptor(FakeChain.RUNTIME);
        // The timeout step, then the retry step, then the scripted upstream.
        MeshInterceptorPair stack = new MeshInterceptorPair(timeout, retry, chain);

        long start = System.nanoTime();
        MeshException.UpstreamTimeout failure = catchThrowableOfType(MeshException.UpstreamTimeout.class, () -> stack.call(request).block(WAIT));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(failure.flags()).containsExactly(ResponseFlag.UT);
        assertThat(chain.tries()).as("the timeout cut the retries short").isLessThan(11);
        assertThat(took).isLessThan(Duration.ofSeconds(3));
        assertThat(cluster.state().load().activeRetries.get()).as("the cancelled retry gave its slot back").isZero();
    }

    @Test
    void aMirroredCopyIsLeftToTheMirrorStep() {
        FakeChain chain = new FakeChain((request, n) -> Mono.delay(Duration.ofMillis(150)).thenReturn(MeshResponse.text(200, "copy")));
        MeshRequest request = FakeChain.routed(Duration.ofMillis(50), RetryPolicy.NONE, FakeChain.defaultCluster())
                .withAttribute(RoutingKeys.MIRRORED, true);

        assertThat(timeout.intercept(request, chain).flatMap(MeshResponse::bodyAsString).block(WAIT)).isEqualTo("copy");
    }

    /** Two steps stacked over a fake chain: the first's proceed runs the second. */
    private record MeshInterceptorPair(io.inmesh.core.spi.MeshInterceptor first, io.inmesh.core.spi.MeshInterceptor second, FakeChain rest) {
        Mono<MeshResponse> call(MeshRequest request) {
            io.inmesh.core.spi.MeshInterceptor.Chain middle = new io.inmesh.core.spi.MeshInterceptor.Chain() {
                @Override
                public Mono<MeshResponse> proceed(MeshRequest next) {
                    return Mono.defer(() -> second.intercept(next, rest));
                }

                @Override
                public Mono<MeshResponse> fork(MeshRequest next) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public io.inmesh.core.MeshSnapshot snapshot() {
                    return null;
                }

                @Override
                public io.inmesh.core.LocalWorkload workload() {
                    return null;
                }
            };
            return first.intercept(request, middle);
        }
    }
}
