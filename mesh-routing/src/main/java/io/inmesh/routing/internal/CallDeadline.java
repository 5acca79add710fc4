package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * A deadline over one exchange, its response and the response's body, as Envoy's route timeout and
 * per-try timeout run until the upstream response is complete: one timer on Reactor's parallel
 * scheduler, started when the exchange is subscribed to and cancelled when the body ends first, so
 * that a long body does not start a timer per chunk. When it passes first, what is still under way is
 * cancelled (closing the upstream request) and fails with the given error.
 */
final class CallDeadline {

    private final Sinks.One<Boolean> passed = Sinks.one();
    private final Disposable timer;

    private CallDeadline(Duration timeout, Runnable onPassed) {
        this.timer = Schedulers.parallel().schedule(() -> {
            onPassed.run(); // before the cancellation, so that the steps below see why they are cancelled
            passed.tryEmitValue(Boolean.TRUE);
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * {@code exchange} bounded by {@code timeout} from each subscription until its response body ends;
     * {@code timedOut} makes the error of a call that did not finish in time.
     */
    static Mono<MeshResponse> bound(Mono<MeshResponse> exchange, Duration timeout, Supplier<MeshException> timedOut) {
        return bound(exchange, timeout, timedOut, () -> { });
    }

    /**
     * As {@link #bound(Mono, Duration, Supplier)}, running {@code onPassed} when the deadline passes,
     * before what is under way is cancelled.
     */
    static Mono<MeshResponse> bound(Mono<MeshResponse> exchange, Duration timeout, Supplier<MeshException> timedOut, Runnable onPassed) {
        return Mono.defer(() -> {
            CallDeadline deadline = new CallDeadline(timeout, onPassed);
            Mono<Boolean> passed = deadline.passed.asMono();
            return exchange
                    .timeout(passed, Mono.error(timedOut))
                    .doOnDiscard(MeshResponse.class, CallDeadline::discard)
                    .map(response -> response.withBody(response.body()
                            .timeout(passed, chunk -> passed, Flux.error(timedOut))
                            .doFinally(signal -> deadline.timer.dispose())))
                    .doOnError(error -> deadline.timer.dispose())
                    .doOnCancel(deadline.timer::dispose);
        });
    }

    /**
     * Whether a call's route timeout has passed, left on the request for the endpoint step: a try
     * cancelled because of it counts as a timeout for outlier detection, as Envoy reports it.
     */
    static final class Expiry {
        private volatile boolean passed;

        void pass() {
            passed = true;
        }

        boolean passed() {
            return passed;
        }
    }

    /** Drains and releases the body of a response nobody will read. */
    static void discard(MeshResponse response) {
        response.releaseBody().subscribe(null, error -> { });
    }
}
