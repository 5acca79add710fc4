package io.inmesh.routing;

import io.inmesh.core.model.HttpRoute;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Where a request goes: the VirtualService and route that matched (if any) and the weighted
 * destinations to pick from. Decisions for configured routes are built once, when the route table
 * is compiled, and shared by every request that matches them.
 *
 * @param outcome whether a rule routed the request, no rule applied, or rules applied but none matched
 * @param virtualService the VirtualService as {@code namespace/name}, or {@code null} without one
 * @param routeName the matched route's name, or {@code null} when it has none
 * @param routeIndex the matched route's index in {@code spec.http}, or -1
 * @param route the matched route with its fault, timeout, retries, rewrite, redirect, mirror and
 *     header settings, or {@code null} for the default route
 * @param destinations the weighted destinations; empty for a redirect, a direct response, or no route
 * @param policy the route's timeout, retries, faults, mirrors, rewrite and header operations
 *     ({@link RoutePolicy#DEFAULT} without a route)
 */
public record RouteDecision(
        Outcome outcome,
        String virtualService,
        String routeName,
        int routeIndex,
        HttpRoute route,
        List<WeightedDestination> destinations,
        RoutePolicy policy) {

    /** How a decision came about. */
    public enum Outcome {
        /** A VirtualService route matched. */
        ROUTED,
        /** No VirtualService applies to the host: the request goes to the host itself. */
        DEFAULT_ROUTE,
        /** VirtualServices apply to the host, but none of their routes matched (Envoy answers 404, flag NR). */
        NO_ROUTE
    }

    public RouteDecision {
        Objects.requireNonNull(outcome, "outcome");
        destinations = List.copyOf(destinations);
        Objects.requireNonNull(policy, "policy");
    }

    /** A decision with Istio's default policy. */
    public RouteDecision(Outcome outcome, String virtualService, String routeName, int routeIndex, HttpRoute route,
            List<WeightedDestination> destinations) {
        this(outcome, virtualService, routeName, routeIndex, route, destinations, RoutePolicy.DEFAULT);
    }

    /** A route's label for explanations: its name, or {@code #index} when it has none. */
    public String routeLabel() {
        if (routeName != null) {
            return routeName;
        }
        return routeIndex >= 0 ? "#" + routeIndex : null;
    }

    /** The sum of the destinations' weights. */
    public int totalWeight() {
        int total = 0;
        for (WeightedDestination destination : destinations) {
            total += destination.weight();
        }
        return total;
    }

    /**
     * Picks a destination with probability weight / total weight, using {@code random}; a seeded
     * generator makes the choice reproducible. Returns {@code null} when there is no destination.
     * When every weight is 0, the first destination is chosen.
     */
    public WeightedDestination pick(RandomGenerator random) {
        int size = destinations.size();
        if (size == 0) {
            return null;
        }
        if (size == 1) {
            return destinations.get(0);
        }
        int total = totalWeight();
        if (total == 0) {
            return destinations.get(0);
        }
        int point = random.nextInt(total);
        for (int i = 0; i < size; i++) {
            WeightedDestination destination = destinations.get(i);
            point -= destination.weight();
            if (point < 0) {
                return destination;
            }
        }
        return destinations.get(size - 1);
    }
}
