package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.http.Upstream;
import io.inmesh.core.model.ClientTlsSettings;
import io.inmesh.core.registry.Endpoint;
import io.inmesh.core.registry.MeshService;
import io.inmesh.core.registry.ServiceRegistry;
import io.inmesh.core.spi.MeshInterceptor;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RoutingAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * The endpoint step: resolves the chosen cluster's subset to the endpoints whose labels it selects
 * and picks one with the cluster's load balancer. A host the registry does not know, or one with
 * {@code resolution: NONE}, is called as it is (its name resolved by DNS when connecting), as a
 * sidecar passes such traffic through.
 */
public final class EndpointInterceptor implements MeshInterceptor {

    private final RoutingRuntime runtime;

    public EndpointInterceptor(RoutingRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * The endpoints a retry may go to: those not tried yet by the call, as Istio's previous-hosts
     * retry predicate asks, or all of them when every one was tried. (Envoy re-picks up to 5 times
     * until it draws an untried host; leaving the tried ones out is the same choice, without the
     * chance of drawing a tried one 5 times in a row.)
     */
    private static List<Endpoint> untried(List<Endpoint> endpoints, int port, AttemptContext attempt) {
        if (attempt == null) {
            return endpoints;
        }
        List<Endpoint> candidates = endpoints;
        if (attempt.retry() > 0 && endpoints.size() > 1) {
            List<Endpoint> fresh = endpoints.stream().filter(each -> !attempt.avoid(each.address() + ":" + each.port(port))).toList();
            candidates = fresh.isEmpty() ? endpoints : fresh;
        }
        return candidates;
    }

    @Override
    public Mono<MeshResponse> intercept(MeshRequest request, Chain chain) {
        ResolvedCluster cluster = request.attribute(RoutingKeys.CLUSTER);
        if (cluster == null) {
            return Mono.error(new IllegalStateException("no cluster on the request: the route step did not run"));
        }
        ClientTlsSettings tls = cluster.policy().tls();
        if (tls != null && tls.mode() != null && tls.mode() != ClientTlsSettings.TlsMode.DISABLE) {
            // Security configuration fails closed: never send in plaintext what the rule says to encrypt.
            return Mono.error(new MeshException(503, ResponseFlag.UF, "TLS mode " + tls.mode() + " towards " + cluster.key()
                    + " (DestinationRule " + cluster.policy().destinationRule() + ") is not implemented by this inmesh version;"
                    + " refusing to send the request in plaintext"));
        }
        ServiceRegistry registry = chain.snapshot().require(ServiceRegistry.class);
        Optional<MeshService> service = registry.service(cluster.host());
        int port = cluster.port();
        if (service.isEmpty() || service.get().passthrough()) {
            // Passed through as a sidecar passes it: without a rule, to the host the application called,
            // resolved as the application would have resolved it (a dotless name such as localhost is
            // not a service of the caller's namespace when the registry does not know it).
            RouteDecision decision = request.attribute(RoutingAttributes.DECISION);
            String address = decision != null && decision.outcome() == RouteDecision.Outcome.DEFAULT_ROUTE
                    ? request.host()
                    : cluster.host();
            return chain.proceed(request.withAttribute(Upstream.KEY, new Upstream(address, port, cluster.key(), cluster.state().limits().connectionPolicy())));
        }
        Map<String, String> subsetLabels = cluster.resolved() == null || cluster.subset() == null ? Map.of() : cluster.resolved().labels();
        List<Endpoint> endpoints = registry.endpoints(cluster.host(), port, subsetLabels);
        if (endpoints.isEmpty()) {
            return Mono.error(new MeshException.NoHealthyUpstream("no healthy upstream for " + cluster.host()
                    + (cluster.subset() == null ? "" : " subset " + cluster.subset())
                    + " port " + port + (subsetLabels.isEmpty() ? ": the service has no endpoint"
                            : ": no endpoint has the labels " + subsetLabels)));
        }
        Endpoint endpoint = cluster.state().balancer().pick(untried(endpoints, port, request.attribute(RoutingKeys.ATTEMPT)));
        AttemptContext attempt = request.attribute(RoutingKeys.ATTEMPT);
        if (attempt != null) {
            attempt.tried(endpoint.address() + ":" + endpoint.port(port));
        }
        return chain.proceed(request.withAttribute(Upstream.KEY, new Upstream(endpoint.address(), endpoint.port(port), cluster.key(),
                cluster.state().limits().connectionPolicy())));
    }
}
