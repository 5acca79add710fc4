package io.inmesh.core.model;

import java.util.List;

/**
 * A route for unterminated TLS traffic.
 *
 * @param match conditions, ORed
 * @param route weighted destinations
 */
public record TlsRoute(
        List<TlsMatchAttributes> match,
        List<RouteDestination> route) {
}
