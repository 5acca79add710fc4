package io.inmesh.routing.internal;

import io.inmesh.core.config.Durations;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.spi.MeshInterceptor;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RoutingAttributes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The timeout step: the route's {@code timeout} bounds the whole call, every try and back-off of the
 * retry step below and the response body, as Envoy's route timeout spans until the upstream response
 * is complete. When it passes, the call fails with 504 {@code UT} ({@link MeshException.UpstreamTimeout})
 * and the try in progress is cancelled, which closes its upstream request; a body already streaming
 * fails with the same error. A route without a timeout has none (Istio's default).
 *
 * <p>One difference from Envoy: the clock starts when the call enters this step, not once the whole
 * request body has been received, so a slow upload counts against the timeout. Mirrored copies are
 * left to the mirror step.
 */
public final class TimeoutInterceptor implements MeshInterceptor {

    public TimeoutInterceptor(RoutingRuntime runtime) {
    }

    @Override
    public Mono<MeshResponse> intercept(MeshRequest request, Chain chain) {
        RouteDecision decision = request.attribute(RoutingAttributes.DECISION);
        Duration timeout = decision == null ? null : decision.policy().timeout();
        if (timeout == null || Boolean.TRUE.equals(request.attribute(RoutingKeys.MIRRORED))) {
            return chain.proceed(request);
        }
        ResolvedCluster cluster = request.attribute(RoutingKeys.CLUSTER);
        String target = cluster == null ? request.authority() : cluster.key();
        Mono<MeshResponse> downstream = chain.proceed(request);
        return Mono.defer(() -> {
            Deadline deadline = new Deadline(timeout);
            return downstream
                    .timeout(deadline.passed(), Mono.error(() -> timedOut(timeout, target)))
                    .doOnDiscard(MeshResponse.class, TimeoutInterceptor::discard)
                    .map(response -> response.withBody(response.body()
                            .timeout(deadline.passed(), chunk -> deadline.passed(), reactor.core.publisher.Flux.error(() -> timedOut(timeout, target)))
                            .doFinally(signal -> deadline.cancel())))
                    .doOnError(error -> deadline.cancel())
                    .doOnCancel(deadline::cancel);
        });
    }

    private static MeshException.UpstreamTimeout timedOut(Duration timeout, String target) {
        return new MeshException.UpstreamTimeout("upstream request timeout: the route timeout " + Durations.format(timeout)
                + " passed before " + target + " answered in full");
    }

    private static void discard(MeshResponse response) {
        response.releaseBody().subscribe(null, error -> { });
    }

    /**
     * One call's deadline: a single timer on the parallel scheduler that both the wait for the response
     * and the body's stream watch, so that a long body does not start a timer per chunk. Cancelled
     * when the call ends first.
     */
    private static final class Deadline {
        private final Sinks.One<Boolean> passed = Sinks.one();
        private final Disposable timer;

        Deadline(Duration timeout) {
            this.timer = Schedulers.parallel().schedule(() -> passed.tryEmitValue(Boolean.TRUE), timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        /** Emits when the deadline passes; at once to a late subscriber. */
        Mono<Boolean> passed() {
            return passed.asMono();
        }

        void cancel() {
            timer.dispose();
        }
    }
}
