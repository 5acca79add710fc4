package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.http.Upstream;
import io.inmesh.core.model.ClientTlsSettings;
import io.inmesh.core.model.TrafficPolicy;
import io.inmesh.core.registry.Endpoint;
import io.inmesh.core.registry.MeshService;
import io.inmesh.core.registry.ServiceRegistry;
import io.inmesh.core.spi.MeshInterceptor;
import io.inmesh.routing.ResolvedSubset;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RouteTable;
import io.inmesh.routing.RoutingAttributes;
import io.inmesh.routing.WeightedDestination;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * The endpoint step: resolves the chosen destination's subset to the endpoints whose labels it
 * selects and picks one, round robin per cluster; the round-robin position survives snapshot swaps.
 * A host the registry does not know, or one with {@code resolution: NONE}, is called as it is
 * (its name resolved by DNS when connecting), as a sidecar passes such traffic through.
 */
public final class EndpointInterceptor implements MeshInterceptor {

    private final Map<String, AtomicInteger> positions = new ConcurrentHashMap<>();
    private final CallerCache callers = new CallerCache();

    @Override
    public Mono<MeshResponse> intercept(MeshRequest request, Chain chain) {
        WeightedDestination destination = request.attribute(RoutingAttributes.DESTINATION);
        if (destination == null) {
            return Mono.error(new IllegalStateException("no destination on the request: the route step did not run"));
        }
        int port = destination.port() != null ? destination.port() : request.port();
        String cluster = destination.clusterKey(request.port());
        ServiceRegistry registry = chain.snapshot().require(ServiceRegistry.class);
        Optional<MeshService> service = registry.service(destination.host());
        ResolvedSubset resolved = chain.snapshot().require(RouteTable.class)
                .resolveSubset(destination.host(), destination.subset(), callers.of(chain.workload()));
        if (destination.subset() != null && resolved == null) {
            return Mono.error(new MeshException(503, ResponseFlag.NC, "no cluster for " + destination.host()
                    + " subset " + destination.subset() + ": no DestinationRule for the host defines that subset"));
        }
        ClientTlsSettings.TlsMode tls = resolved == null ? null : tlsMode(resolved.trafficPolicy(), port);
        if (tls != null && tls != ClientTlsSettings.TlsMode.DISABLE) {
            // Security configuration fails closed: never send in plaintext what the rule says to encrypt.
            return Mono.error(new MeshException(503, ResponseFlag.UF, "TLS mode " + tls + " towards " + cluster
                    + " (DestinationRule " + resolved.destinationRule() + ") is not implemented by this inmesh version;"
                    + " refusing to send the request in plaintext"));
        }
        Map<String, String> subsetLabels = resolved == null || destination.subset() == null ? Map.of() : resolved.labels();
        if (service.isEmpty() || service.get().passthrough()) {
            // Passed through as a sidecar passes it: without a rule, to the host the application called,
            // resolved as the application would have resolved it (a dotless name such as localhost is
            // not a service of the caller's namespace when the registry does not know it).
            RouteDecision decision = request.attribute(RoutingAttributes.DECISION);
            String address = decision != null && decision.outcome() == RouteDecision.Outcome.DEFAULT_ROUTE
                    ? request.host()
                    : destination.host();
            return chain.proceed(request.withAttribute(Upstream.KEY, new Upstream(address, port, cluster)));
        }
        List<Endpoint> endpoints = registry.endpoints(destination.host(), port, subsetLabels);
        if (endpoints.isEmpty()) {
            return Mono.error(new MeshException.NoHealthyUpstream("no healthy upstream for " + destination.host()
                    + (destination.subset() == null ? "" : " subset " + destination.subset())
                    + " port " + port + (subsetLabels.isEmpty() ? ": the service has no endpoint"
                            : ": no endpoint has the labels " + subsetLabels)));
        }
        int position = positions.computeIfAbsent(cluster, key -> new AtomicInteger()).getAndIncrement();
        Endpoint endpoint = endpoints.get(Math.floorMod(position, endpoints.size()));
        return chain.proceed(request.withAttribute(Upstream.KEY,
                new Upstream(endpoint.address(), endpoint.port(port), cluster)));
    }

    /** The TLS mode for {@code port}: a port-level setting wins over the policy's own. */
    private static ClientTlsSettings.TlsMode tlsMode(TrafficPolicy policy, int port) {
        if (policy == null) {
            return null;
        }
        for (TrafficPolicy.PortTrafficPolicy portPolicy : policy.portLevelSettings()) {
            if (portPolicy.port() != null && portPolicy.port().number() != null && portPolicy.port().number() == port
                    && portPolicy.tls() != null) {
                return portPolicy.tls().mode();
            }
        }
        return policy.tls() == null ? null : policy.tls().mode();
    }
}
