package io.inmesh.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.MeshSnapshot;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.model.ConnectionPoolSettings;
import io.inmesh.core.spi.MeshInterceptor;
import io.inmesh.routing.ClusterPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * The connection-pool step holds its permit for exactly as long as the try: until the response body
 * ends (completed, failed or cancelled), or until the try fails or is cancelled before a response,
 * including while it waits in the pending queue; a full pool answers 503 {@code UO} without sending.
 */
class ConnectionPoolInterceptorTest {

    private final ClusterState state = new ClusterState(new ClusterPolicy("ratings.bookinfo.svc.cluster.local||9080", "bookinfo/ratings",
            null, new ConnectionPoolSettings(new ConnectionPoolSettings.TcpSettings(1, null, null, null, null),
                    new ConnectionPoolSettings.HttpSettings(1, null, null, null, null, null, null, null)), null, null, null),
            new RoutingRuntime(() -> new Random(1), System::nanoTime));
    private final ClusterLoad load = state.load();
    private final ConnectionPoolInterceptor step = new ConnectionPoolInterceptor(new RoutingRuntime(() -> new Random(1), System::nanoTime));
    private final MeshRequest request = MeshRequest.builder(HttpMethod.GET, "http://ratings:9080/ratings/1")
            .attribute(RoutingKeys.CLUSTER, new ResolvedCluster(state.policy().cluster(), "ratings.bookinfo.svc.cluster.local", null, 9080,
                    null, state.policy(), state))
            .build();
    private final AtomicInteger sent = new AtomicInteger();

    /** A chain whose next step answers with {@code upstream}, counting the tries that reached it. */
    private MeshInterceptor.Chain chain(Supplier<Mono<MeshResponse>> upstream) {
        return new MeshInterceptor.Chain() {
            @Override
            public Mono<MeshResponse> proceed(MeshRequest request) {
                return Mono.defer(() -> {
                    sent.incrementAndGet();
                    return upstream.get();
                });
            }

            @Override
            public Mono<MeshResponse> fork(MeshRequest request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public MeshSnapshot snapshot() {
                throw new UnsupportedOperationException();
            }

            @Override
            public LocalWorkload workload() {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static MeshResponse ok(Sinks.Many<ByteBuf> body) {
        return MeshResponse.of(200, new DefaultHttpHeaders(), body.asFlux());
    }

    private static ByteBuf chunk(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    @Test
    void thePermitIsHeldWhileTheBodyStreamsAndReleasedWhenItEnds() {
        Sinks.Many<ByteBuf> body = Sinks.many().unicast().onBackpressureBuffer();
        MeshResponse response = step.intercept(request, chain(() -> Mono.just(ok(body)))).block();
        assertThat(load.activeRequests.get()).as("headers arrived, body not yet read").isEqualTo(1);

        AtomicReference<String> text = new AtomicReference<>();
        response.bodyAsString().subscribe(text::set);
        body.tryEmitNext(chunk("a"));
        assertThat(load.activeRequests.get()).isEqualTo(1);
        body.tryEmitNext(chunk("b"));
        body.tryEmitComplete();
        assertThat(text.get()).isEqualTo("ab");
        assertThat(load.activeRequests.get()).isZero();
        assertThat(state.limits().connectionsInUse()).isZero();
    }

    @Test
    void theConnectionIsFreeWhenTheCallerSeesTheEndOfTheBody() {
        // A caller that sends its next request the moment a response ends must not find its own
        // previous request still holding the pool (one connection here: it would overflow with UO).
        Sinks.Many<ByteBuf> body = Sinks.many().unicast().onBackpressureBuffer();
        MeshResponse response = step.intercept(request, chain(() -> Mono.just(ok(body)))).block();
        AtomicInteger inUseAtEnd = new AtomicInteger(-1);
        response.body().subscribe(ByteBuf::release, error -> { }, () -> inUseAtEnd.set(state.limits().connectionsInUse()));
        body.tryEmitComplete();
        assertThat(inUseAtEnd.get()).isZero();
    }

    @Test
    void thePermitIsReleasedOnceWhenTheBodyFailsOrIsCancelled() {
        Sinks.Many<ByteBuf> failing = Sinks.many().unicast().onBackpressureBuffer();
        MeshResponse first = step.intercept(request, chain(() -> Mono.just(ok(failing)))).block();
        first.body().subscribe(ByteBuf::release, error -> { });
        failing.tryEmitError(new IllegalStateException("reset"));
        assertThat(load.activeRequests.get()).isZero();

        Sinks.Many<ByteBuf> endless = Sinks.many().unicast().onBackpressureBuffer();
        MeshResponse second = step.intercept(request, chain(() -> Mono.just(ok(endless)))).block();
        Disposable reading = second.body().subscribe(ByteBuf::release);
        endless.tryEmitNext(chunk("x"));
        reading.dispose();
        assertThat(load.activeRequests.get()).isZero();
        assertThat(state.limits().connectionsInUse()).isZero();
    }

    @Test
    void thePermitIsReleasedWhenTheTryFailsOrIsCancelledBeforeAResponse() {
        StepVerifier.create(step.intercept(request, chain(() -> Mono.error(new MeshException.UpstreamReset("closed", null)))))
                .expectError(MeshException.UpstreamReset.class)
                .verify();
        assertThat(load.activeRequests.get()).isZero();

        Disposable inFlight = step.intercept(request, chain(Mono::never)).subscribe();
        assertThat(load.activeRequests.get()).isEqualTo(1);
        inFlight.dispose();
        assertThat(load.activeRequests.get()).isZero();
        assertThat(state.limits().connectionsInUse()).isZero();
    }

    @Test
    void aFullPoolFailsFastWith503UoWithoutSending() {
        Disposable holder = step.intercept(request, chain(Mono::never)).subscribe();
        Disposable waiter = step.intercept(request, chain(Mono::never)).subscribe();
        assertThat(load.pendingRequests.get()).isEqualTo(1);

        StepVerifier.create(step.intercept(request, chain(Mono::never)))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(MeshException.class, overflow -> {
                    assertThat(overflow.status()).isEqualTo(503);
                    assertThat(overflow.flag()).hasToString("UO");
                }))
                .verify();
        assertThat(sent.get()).as("only the holder was sent").isEqualTo(1);
        waiter.dispose();
        holder.dispose();
    }

    @Test
    void cancellingWhileWaitingForAConnectionLeavesTheQueueAndNeverSends() {
        Disposable holder = step.intercept(request, chain(Mono::never)).subscribe();
        Disposable waiter = step.intercept(request, chain(Mono::never)).subscribe();
        assertThat(load.pendingRequests.get()).isEqualTo(1);
        waiter.dispose();
        assertThat(load.pendingRequests.get()).isZero();

        holder.dispose();
        assertThat(sent.get()).as("the cancelled waiter was never sent").isEqualTo(1);
        assertThat(load.activeRequests.get()).isZero();
        assertThat(state.limits().connectionsInUse()).isZero();
    }

    @Test
    void aWaiterIsSentWhenTheConnectionFrees() {
        Sinks.Many<ByteBuf> body = Sinks.many().unicast().onBackpressureBuffer();
        MeshResponse first = step.intercept(request, chain(() -> Mono.just(ok(body)))).block();
        AtomicReference<MeshResponse> second = new AtomicReference<>();
        step.intercept(request, chain(() -> Mono.just(MeshResponse.text(200, "second")))).subscribe(second::set);
        assertThat(second.get()).isNull();
        assertThat(load.pendingRequests.get()).isEqualTo(1);

        first.releaseBody().subscribe();
        body.tryEmitComplete();
        assertThat(second.get()).isNotNull();
        assertThat(second.get().bodyAsString().block()).isEqualTo("second");
        assertThat(load.activeRequests.get()).isZero();
        assertThat(load.pendingRequests.get()).isZero();
    }
}
