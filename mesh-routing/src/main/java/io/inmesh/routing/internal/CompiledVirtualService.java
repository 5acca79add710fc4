package io.inmesh.routing.internal;

import io.inmesh.core.config.Hosts;
import io.inmesh.core.model.Destination;
import io.inmesh.core.model.Headers;
import io.inmesh.core.model.HttpMatchRequest;
import io.inmesh.core.model.HttpRoute;
import io.inmesh.core.model.HttpRouteDestination;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.VirtualService;
import io.inmesh.routing.Caller;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RoutePolicy;
import io.inmesh.routing.RouteRequest;
import io.inmesh.routing.WeightedDestination;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * A VirtualService compiled for matching: its HTTP routes in order, each with its match entries
 * (ORed) of conditions (ANDed), and the decision it yields, built once.
 */
public final class CompiledVirtualService {

    private final String key;
    private final int order;
    private final Visibility visibility;
    private final Set<String> gateways;
    private final CompiledRoute[] routes;
    private final RouteDecision noRoute;

    /**
     * A route: its match entries (ORed) of conditions (ANDed), and one decision per entry, since the
     * entry that matched decides what a URI rewrite replaces (as Istio makes one Envoy route per entry).
     */
    private record CompiledRoute(RequestCondition[][] matches, RouteDecision[] decisions) {
        /** The decision for the first entry that matches, or {@code null}. */
        RouteDecision decide(RouteRequest request, Caller caller) {
            if (matches.length == 0) {
                return decisions[0];
            }
            for (int m = 0; m < matches.length; m++) {
                if (allHold(matches[m], request, caller)) {
                    return decisions[m];
                }
            }
            return null;
        }

        private static boolean allHold(RequestCondition[] conditions, RouteRequest request, Caller caller) {
            for (RequestCondition condition : conditions) {
                if (!condition.test(request, caller)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * @param resource the VirtualService
     * @param order its position in read order; the earlier one wins a host, as the older does in Istio
     * @param servicePort the single port of a destination host when it has exactly one, else {@code null}
     */
    public CompiledVirtualService(Resource<VirtualService> resource, int order, ToIntFunction<String> servicePort) {
        VirtualService spec = resource.spec();
        String namespace = resource.namespace();
        this.key = namespace + "/" + resource.name();
        this.order = order;
        this.visibility = Visibility.of(spec.exportTo(), namespace);
        List<String> declaredGateways = spec.gateways().isEmpty() ? List.of(Caller.MESH) : spec.gateways();
        this.gateways = Set.copyOf(declaredGateways.stream().map(g -> gatewayName(g, namespace)).toList());
        List<HttpRoute> http = spec.http();
        this.routes = new CompiledRoute[http.size()];
        for (int i = 0; i < http.size(); i++) {
            HttpRoute route = http.get(i);
            RequestCondition[][] matches = new RequestCondition[route.match().size()][];
            RouteDecision[] decisions = new RouteDecision[Math.max(1, matches.length)];
            List<WeightedDestination> destinations = destinations(route, namespace, servicePort);
            for (int m = 0; m < matches.length; m++) {
                HttpMatchRequest match = route.match().get(m);
                matches[m] = RequestCondition.compile(match, g -> gatewayName(g, namespace)).toArray(RequestCondition[]::new);
                decisions[m] = new RouteDecision(RouteDecision.Outcome.ROUTED, key, route.name(), i, route, destinations,
                        RoutePolicy.of(route, match, namespace));
            }
            if (matches.length == 0) {
                decisions[0] = new RouteDecision(RouteDecision.Outcome.ROUTED, key, route.name(), i, route, destinations,
                        RoutePolicy.of(route, null, namespace));
            }
            routes[i] = new CompiledRoute(matches, decisions);
        }
        this.noRoute = new RouteDecision(RouteDecision.Outcome.NO_ROUTE, key, null, -1, null, List.of());
    }

    private static List<WeightedDestination> destinations(HttpRoute route, String namespace, ToIntFunction<String> servicePort) {
        List<HttpRouteDestination> declared = route.route();
        List<WeightedDestination> destinations = new ArrayList<>(declared.size());
        for (HttpRouteDestination routeDestination : declared) {
            Destination destination = routeDestination.destination();
            if (destination == null || destination.host() == null) {
                continue;
            }
            String host = Hosts.resolve(destination.host(), namespace);
            Integer port = destination.port() != null && destination.port().number() != null
                    ? destination.port().number()
                    : singlePort(servicePort.applyAsInt(host));
            // Istio: a lone destination takes all traffic whatever its weight says; among several,
            // a destination without weight gets none and is left out.
            int weight = declared.size() == 1 ? 100 : routeDestination.weight() == null ? 0 : routeDestination.weight();
            if (weight == 0) {
                continue;
            }
            Headers headers = routeDestination.headers();
            destinations.add(headers == null
                    ? new WeightedDestination(host, destination.subset(), port, weight)
                    : new WeightedDestination(host, destination.subset(), port, weight,
                            RoutePolicy.HeaderOperations.of(headers.request()), RoutePolicy.HeaderOperations.of(headers.response())));
        }
        return destinations;
    }

    private static Integer singlePort(int port) {
        return port > 0 ? port : null;
    }

    /** A gateway reference resolved as Istio does: {@code mesh} as is, {@code name} in the VirtualService's namespace. */
    static String gatewayName(String gateway, String namespace) {
        if (gateway.equals(Caller.MESH) || gateway.indexOf('/') >= 0) {
            return gateway;
        }
        int dot = gateway.indexOf('.');
        if (dot > 0) {
            // name.namespace.svc.cluster.local, the older form
            String[] parts = gateway.split("\\.");
            return parts[1] + "/" + parts[0];
        }
        return namespace + "/" + gateway;
    }

    /** {@code namespace/name}. */
    public String key() {
        return key;
    }

    public int order() {
        return order;
    }

    /** Whether this VirtualService is in force for {@code caller}: exported to its namespace and bound to its gateway. */
    public boolean appliesTo(Caller caller) {
        return visibility.visibleTo(caller.namespace()) && gateways.contains(caller.gateway());
    }

    /** The decision of the first route that matches, or the no-route decision. */
    public RouteDecision route(RouteRequest request, Caller caller) {
        for (CompiledRoute route : routes) {
            RouteDecision decision = route.decide(request, caller);
            if (decision != null) {
                return decision;
            }
        }
        return noRoute;
    }
}
