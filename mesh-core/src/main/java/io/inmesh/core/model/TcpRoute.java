package io.inmesh.core.model;

import java.util.List;

/**
 * A route for opaque TCP traffic.
 *
 * @param match conditions, ORed
 * @param route weighted destinations
 */
public record TcpRoute(
        List<L4MatchAttributes> match,
        List<RouteDestination> route) {
}
