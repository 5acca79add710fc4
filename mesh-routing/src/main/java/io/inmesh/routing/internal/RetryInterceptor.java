package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.registry.ServiceRegistry;
import io.inmesh.core.spi.MeshInterceptor;
import io.inmesh.routing.RetryPolicy;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RoutingAttributes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The retry step: runs the steps below it (connection pool, endpoint choice, the wire) once per try,
 * as Envoy's router retries a request.
 *
 * <ul>
 *   <li>The policy is the matched route's {@link RetryPolicy} (Istio's default when the route sets
 *       none); a try is retried when its response or failure matches {@code retryOn}, at most
 *       {@code attempts} times.</li>
 *   <li>Each try may be bounded by {@code perTryTimeout}: a try that has no response headers by then
 *       is cancelled and counts as a 504 {@code UT} failure, retried under {@code 5xx},
 *       {@code gateway-error} or {@code reset}, as Envoy retries a per-try timeout; the timer runs on
 *       until the body ends, and a body still streaming when it passes fails with the same error.</li>
 *   <li>Before each retry it waits Envoy's jittered exponential back-off (from 25 ms, at most ten
 *       times the base) on Reactor's parallel scheduler, the jitter drawn from the injected random.</li>
 *   <li>A retry needs a slot from the cluster's {@link RetryLimiter}; without one it is not made and
 *       the last response (or failure) goes back flagged {@code UO}, as Envoy returns the original
 *       response on {@code upstream_rq_retry_overflow}.</li>
 *   <li>When the retries run out on a retriable result, the last response (or failure) goes back
 *       flagged {@code URX}, as Envoy passes the upstream's last response on.</li>
 *   <li>The {@link AttemptContext} it leaves on the request tells the endpoint step which endpoints
 *       were tried, so that a retry goes to another one (Istio's previous-hosts predicate).</li>
 *   <li>Only a request whose body can be sent again is retried: a body of known length up to 1 MiB
 *       is kept in memory for the call ({@link ReplayableBody}); a longer or chunked body is sent
 *       once, without retries, as Envoy stops retrying a request that overflowed its buffer.</li>
 * </ul>
 *
 * <p>A host the registry does not know is passed through without retries, as Istio's
 * PassthroughCluster route has none. The route timeout is the timeout step's, above this one: it cancels the try or back-off in
 * progress. Mirrored copies are never retried.
 */
public final class RetryInterceptor implements MeshInterceptor {

    /**
     * The header that tells the upstream which try a request is (1 for the first), as Envoy sends it
     * for Istio, which sets {@code include_request_attempt_count} on every virtual host.
     */
    public static final String ATTEMPT_COUNT = "x-envoy-attempt-count";

    private final RoutingRuntime runtime;

    public RetryInterceptor(RoutingRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Mono<MeshResponse> intercept(MeshRequest request, Chain chain) {
        if (Boolean.TRUE.equals(request.attribute(RoutingKeys.MIRRORED))) {
            return chain.proceed(request);
        }
        RouteDecision decision = request.attribute(RoutingAttributes.DECISION);
        ResolvedCluster cluster = request.attribute(RoutingKeys.CLUSTER);
        RetryPolicy policy = policyOf(decision, cluster, chain);
        AttemptContext attempts = new AttemptContext(policy.perTryTimeout(), policy.avoidPreviousHosts());
        RetryLimiter limiter = cluster == null ? null : cluster.state().retries();
        if (policy.attempts() == 0) {
            MeshRequest sent = request.withAttribute(RoutingKeys.ATTEMPT, attempts);
            sent.headers().setInt(ATTEMPT_COUNT, 1);
            return tryOnce(chain.proceed(sent), policy, cluster, attempts);
        }
        boolean bodyKeptHere = request.hasBody() && request.attribute(RoutingKeys.BODY) == null;
        return ReplayableBody.prepare(request).flatMap(prepared -> {
            MeshRequest sent = prepared.withAttribute(RoutingKeys.ATTEMPT, attempts);
            Call call = new Call(policy, cluster, limiter, attempts, sent, ReplayableBody.isReplayable(prepared));
            Mono<MeshResponse> downstream = chain.proceed(sent);
            return call.attempt(downstream).doFinally(signal -> {
                call.finish();
                ReplayableBody body = prepared.attribute(RoutingKeys.BODY);
                if (bodyKeptHere && body != null) {
                    body.release();
                }
            });
        });
    }

    private static RetryPolicy policyOf(RouteDecision decision, ResolvedCluster cluster, Chain chain) {
        if (decision == null) {
            return RetryPolicy.ISTIO_DEFAULT;
        }
        if (decision.outcome() == RouteDecision.Outcome.DEFAULT_ROUTE && cluster != null
                && chain.snapshot().require(ServiceRegistry.class).service(cluster.host()).isEmpty()) {
            // A host the registry does not know goes out as Istio's PassthroughCluster, whose route has no retries.
            return RetryPolicy.NONE;
        }
        return decision.policy().retries();
    }

    /**
     * One try of {@code downstream}, bounded by the per-try timeout when there is one: from the try's
     * start until its response body ends, as Envoy's per-try timer runs; past it, the try is cancelled
     * and fails with 504 {@code UT} (retried only while its response headers have not arrived).
     */
    private static Mono<MeshResponse> tryOnce(Mono<MeshResponse> downstream, RetryPolicy policy, ResolvedCluster cluster,
            AttemptContext attempts) {
        Duration perTry = policy.perTryTimeout();
        if (perTry == null) {
            return downstream;
        }
        return CallDeadline.bound(downstream, perTry, () -> new MeshException.UpstreamTimeout("upstream request timeout: no response from "
                + (cluster == null ? "the upstream" : cluster.key()) + " within the per-try timeout "
                + io.inmesh.core.config.Durations.format(perTry)), attempts::tryTimedOut);
    }

    private static void discard(MeshResponse response) {
        CallDeadline.discard(response);
    }

    /** What one try gave: a response or a failure. */
    private record Outcome(MeshResponse response, Throwable failure) {
    }

    /** The state of one call across its tries. */
    private final class Call {
        private final RetryPolicy policy;
        private final ResolvedCluster cluster;
        private final RetryLimiter limiter;
        private final AttemptContext attempts;
        /** The request every try sends; its attempt-count header is set before each try. */
        private final MeshRequest sent;
        private final boolean replayable;
        /** Whether this call holds one of the cluster's retry slots (from a retry's scheduling until its result). */
        private final AtomicBoolean holdsRetrySlot = new AtomicBoolean();
        /** Set when the call ends (or is cancelled), so that a slot taken at that moment is given back. */
        private volatile boolean finished;

        Call(RetryPolicy policy, ResolvedCluster cluster, RetryLimiter limiter, AttemptContext attempts, MeshRequest sent,
                boolean replayable) {
            this.sent = sent;
            this.policy = policy;
            this.cluster = cluster;
            this.limiter = limiter;
            this.attempts = attempts;
            this.replayable = replayable;
        }

        Mono<MeshResponse> attempt(Mono<MeshResponse> downstream) {
            return Mono.defer(() -> {
                        sent.headers().setInt(ATTEMPT_COUNT, attempts.retry() + 1);
                        return tryOnce(downstream, policy, cluster, attempts);
                    })
                    .map(response -> new Outcome(response, null))
                    .onErrorResume(failure -> Mono.just(new Outcome(null, failure)))
                    .flatMap(outcome -> decide(outcome, downstream));
        }

        /** Envoy's order: the retry limit first, then the cap on concurrent retries, then the back-off. */
        private Mono<MeshResponse> decide(Outcome outcome, Mono<MeshResponse> downstream) {
            // The previous retry's slot is given back before the next one is asked for (Envoy's resetRetry).
            releaseRetrySlot();
            boolean retriable = outcome.response != null
                    ? policy.retriesResponse(outcome.response.status(), outcome.response.headers())
                    : policy.retriesFailure(outcome.failure);
            if (!retriable || !replayable) {
                return result(outcome, null);
            }
            if (attempts.retry() >= policy.attempts()) {
                return result(outcome, ResponseFlag.URX);
            }
            if (limiter != null) {
                if (!limiter.tryAcquire()) {
                    return result(outcome, ResponseFlag.UO);
                }
                holdsRetrySlot.set(true);
                if (finished) {
                    // Cancelled (by the route timeout) while the slot was being taken.
                    releaseRetrySlot();
                }
            }
            if (outcome.response != null) {
                discard(outcome.response);
            }
            attempts.nextRetry();
            Duration backoff = policy.backoff(attempts.retry(), runtime.rng());
            return Mono.delay(backoff, Schedulers.parallel()).then(Mono.defer(() -> attempt(downstream)));
        }

        private Mono<MeshResponse> result(Outcome outcome, ResponseFlag flag) {
            if (outcome.response != null) {
                return Mono.just(flag == null ? outcome.response : outcome.response.withFlag(flag));
            }
            Throwable failure = outcome.failure;
            if (flag != null && failure instanceof MeshException mesh) {
                failure = mesh.withFlag(flag);
            }
            return Mono.error(failure);
        }

        /** The call ended: gives back its retry slot, if it holds one. */
        void finish() {
            finished = true;
            releaseRetrySlot();
        }

        void releaseRetrySlot() {
            if (limiter != null && holdsRetrySlot.compareAndSet(true, false)) {
                limiter.release();
            }
        }
    }
}
