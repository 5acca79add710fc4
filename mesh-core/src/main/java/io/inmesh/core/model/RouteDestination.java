package io.inmesh.core.model;

/**
 * A destination of a TCP or TLS route with its weight.
 *
 * @param destination where to send the connection
 * @param weight relative share of connections
 */
public record RouteDestination(
        Destination destination,
        Integer weight) {
}
