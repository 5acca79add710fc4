package io.inmesh.routing.internal;

import io.inmesh.core.config.Durations;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.spi.MeshInterceptor;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RoutingAttributes;
import java.time.Duration;
import reactor.core.publisher.Mono;

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
        CallDeadline.Expiry expiry = new CallDeadline.Expiry();
        return CallDeadline.bound(chain.proceed(request.withAttribute(RoutingKeys.ROUTE_TIMEOUT, expiry)), timeout,
                () -> timedOut(timeout, target), expiry::pass);
    }

    private static MeshException.UpstreamTimeout timedOut(Duration timeout, String target) {
        return new MeshException.UpstreamTimeout("upstream request timeout: the route timeout " + Durations.format(timeout)
                + " passed before " + target + " answered in full");
    }
}
