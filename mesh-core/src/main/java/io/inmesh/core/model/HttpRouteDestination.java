package io.inmesh.core.model;

/**
 * A destination of an HTTP route with its weight and header manipulations.
 *
 * @param destination where to send the request
 * @param weight relative share of traffic
 * @param headers header manipulations for this destination
 */
public record HttpRouteDestination(
        Destination destination,
        Integer weight,
        Headers headers) {
}
