package io.inmesh.routing;

import java.util.Objects;

/**
 * One destination of a route: a fully qualified host, an optional subset, a port and a weight.
 *
 * @param host the destination's fully qualified host name
 * @param subset the DestinationRule subset, or {@code null} for all endpoints
 * @param port the destination port, or {@code null} for the port the request was sent to
 * @param weight the relative share of requests; a route's weights are relative to their sum
 * @param requestHeaders this destination's operations on request headers, applied before the route's
 * @param responseHeaders this destination's operations on response headers, applied before the route's
 */
public record WeightedDestination(String host, String subset, Integer port, int weight,
        RoutePolicy.HeaderOperations requestHeaders, RoutePolicy.HeaderOperations responseHeaders) {

    public WeightedDestination {
        Objects.requireNonNull(host, "host");
        if (weight < 0) {
            throw new IllegalArgumentException("weight " + weight + " (expected >= 0)");
        }
        requestHeaders = requestHeaders == null ? RoutePolicy.HeaderOperations.NONE : requestHeaders;
        responseHeaders = responseHeaders == null ? RoutePolicy.HeaderOperations.NONE : responseHeaders;
    }

    /** A destination without header operations. */
    public WeightedDestination(String host, String subset, Integer port, int weight) {
        this(host, subset, port, weight, null, null);
    }

    /** {@code host|subset|port}: the key of this destination's upstream cluster, as Istio names clusters. */
    public String clusterKey(int requestPort) {
        return host + "|" + (subset == null ? "" : subset) + "|" + (port == null ? requestPort : port);
    }
}
