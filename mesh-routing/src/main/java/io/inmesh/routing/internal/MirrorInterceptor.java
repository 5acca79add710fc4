package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.registry.MeshService;
import io.inmesh.core.registry.ServiceRegistry;
import io.inmesh.core.spi.MeshInterceptor;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RoutePolicy;
import io.inmesh.routing.RoutingAttributes;
import io.inmesh.routing.WeightedDestination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The mirror step: sends a fire-and-forget copy of the request to each of the route's mirror
 * destinations that its share draws (one draw per mirror, from the injected random source), as
 * Envoy's {@code request_mirror_policies} shadow requests. The copy runs the rest of the stack
 * through {@link Chain#fork} with the mirror's cluster, marked {@link RoutingKeys#MIRRORED} so that
 * it is neither retried nor mirrored again; its host carries Envoy's {@code -shadow} suffix
 * ({@code reviews:9080} becomes {@code reviews-shadow:9080}). Its response is read and dropped, and
 * its failure, slowness or timeout never reaches the caller, who always gets the primary's answer.
 *
 * <p>The copy is bounded by the route's timeout, as Envoy bounds a shadow by the route's global
 * timeout. Deliberate difference: a route without a timeout (Istio's default) bounds its copies by
 * {@link #UNBOUNDED_ROUTE_CAP} rather than not at all, so that a hanging mirror cannot hold
 * connections and buffers forever.
 *
 * <p>A request whose body cannot be replayed (longer than {@link ReplayableBody#LIMIT} or of unknown
 * length) is not mirrored: its body streams once, to the primary. Envoy, likewise, does not shadow a
 * request whose body overflowed its buffer.
 */
public final class MirrorInterceptor implements MeshInterceptor {

    /** The longest a copy may take when the route has no timeout. */
    static final Duration UNBOUNDED_ROUTE_CAP = Duration.ofSeconds(15);

    private final RoutingRuntime runtime;
    private final AtomicLong failedCopies = new AtomicLong();

    /** @param runtime the source of the mirror share draws */
    public MirrorInterceptor(RoutingRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Mono<MeshResponse> intercept(MeshRequest request, Chain chain) {
        RouteDecision decision = request.attribute(RoutingAttributes.DECISION);
        if (decision == null || decision.policy().mirrors().isEmpty() || Boolean.TRUE.equals(request.attribute(RoutingKeys.MIRRORED))) {
            return chain.proceed(request);
        }
        List<RoutePolicy.Mirror> drawn = new ArrayList<>(1);
        for (RoutePolicy.Mirror mirror : decision.policy().mirrors()) {
            if (mirror.mirrors(runtime.rng())) {
                drawn.add(mirror);
            }
        }
        if (drawn.isEmpty()) {
            return chain.proceed(request);
        }
        Duration bound = decision.policy().timeout() != null ? decision.policy().timeout() : UNBOUNDED_ROUTE_CAP;
        return ReplayableBody.prepare(request).flatMap(prepared -> {
            // A body that was kept here is released when the call ends; each copy holds its own reference.
            ReplayableBody keptHere = request.attribute(RoutingKeys.BODY) == null ? prepared.attribute(RoutingKeys.BODY) : null;
            if (ReplayableBody.isReplayable(prepared)) {
                for (RoutePolicy.Mirror mirror : drawn) {
                    sendCopy(prepared, mirror.destination(), bound, chain);
                }
            }
            Mono<MeshResponse> primary = chain.proceed(prepared);
            return keptHere == null ? primary : primary.doFinally(signal -> keptHere.release());
        });
    }

    /** Sends one copy, fire and forget. */
    private void sendCopy(MeshRequest request, WeightedDestination destination, Duration bound, Chain chain) {
        ResolvedCluster cluster = chain.snapshot().require(ClusterCatalog.class).resolve(destination, listenerPort(request, destination, chain));
        if (cluster.missingSubset()) {
            // Envoy drops a shadow whose cluster does not exist; the caller is not affected.
            failedCopies.incrementAndGet();
            return;
        }
        ReplayableBody body = request.attribute(RoutingKeys.BODY);
        if (body != null) {
            body.retain();
        }
        MeshRequest copy = request.toBuilder()
                .authority(shadowAuthority(request))
                .attribute(RoutingAttributes.DESTINATION, destination)
                .attribute(RoutingKeys.CLUSTER, cluster)
                .attribute(RoutingKeys.MIRRORED, Boolean.TRUE)
                .build();
        chain.fork(copy)
                .flatMap(MeshResponse::releaseBody)
                .timeout(bound, Schedulers.parallel())
                .doFinally(signal -> {
                    if (body != null) {
                        body.release();
                    }
                })
                .subscribe(null, error -> failedCopies.incrementAndGet());
    }

    /**
     * The port of the mirror's cluster, as Istio picks it: the mirror's own port, else the service's
     * only port, else the port the request was sent to.
     */
    private static int listenerPort(MeshRequest request, WeightedDestination mirror, Chain chain) {
        if (mirror.port() != null) {
            return mirror.port();
        }
        Optional<MeshService> service = chain.snapshot().require(ServiceRegistry.class).service(mirror.host());
        if (service.isPresent() && service.get().ports().size() == 1 && service.get().ports().get(0).number() != null) {
            return service.get().ports().get(0).number();
        }
        // The primary's cluster has the port the request was sent to unless its destination names one;
        // the request's own authority may have been rewritten by now.
        WeightedDestination primary = request.attribute(RoutingAttributes.DESTINATION);
        ResolvedCluster primaryCluster = request.attribute(RoutingKeys.CLUSTER);
        if (primary != null && primary.port() == null && primaryCluster != null) {
            return primaryCluster.port();
        }
        return request.port();
    }

    /** Envoy's shadow host: {@code -shadow} appended to the host, before the port. */
    static String shadowAuthority(MeshRequest request) {
        String authority = request.authority();
        String host = request.host();
        return host + "-shadow" + authority.substring(host.length());
    }

    /** How many copies failed, timed out or had no cluster since this step was made; for diagnostics. */
    long failedCopies() {
        return failedCopies.get();
    }
}
