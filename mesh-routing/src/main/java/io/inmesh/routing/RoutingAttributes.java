package io.inmesh.routing;

import io.inmesh.core.http.AttributeKey;

/**
 * What the routing step leaves on a request for the steps after it, including application
 * interceptors at {@link io.inmesh.core.spi.ClientStage#USER_ROUTED}.
 */
public final class RoutingAttributes {

    /** The route decision: VirtualService, route and weighted destinations. */
    public static final AttributeKey<RouteDecision> DECISION = AttributeKey.of("route-decision", RouteDecision.class);

    /** The destination picked from the decision's weighted destinations. */
    public static final AttributeKey<WeightedDestination> DESTINATION = AttributeKey.of("destination", WeightedDestination.class);

    private RoutingAttributes() {
    }
}
