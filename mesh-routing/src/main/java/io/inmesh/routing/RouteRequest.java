package io.inmesh.routing;

/**
 * The parts of an outbound HTTP request that routing looks at. The data path implements it over
 * the live request without copying; {@link #builder()} gives a plain implementation for tools and
 * tests.
 *
 * <p>Implementations must answer without blocking, and {@link #header} must find a header whatever
 * the case of its name.
 */
public interface RouteRequest {

    /** The {@code Host} / {@code :authority} as sent, possibly with a port: {@code reviews:9080}. */
    String authority();

    /** The host part of the authority, without the port. */
    String host();

    /** The destination port: from the authority, or the scheme's default. */
    int port();

    /** The method, upper-case as sent: {@code GET}. */
    String method();

    /** The scheme: {@code http} or {@code https}. */
    String scheme();

    /** The path without the query string: {@code /reviews/1}. */
    String path();

    /**
     * The value of a request header, several values joined with {@code ,} as Envoy matches them,
     * or {@code null} when the request does not carry it.
     *
     * @param lowerCaseName the header's name in lower case
     */
    String header(String lowerCaseName);

    /** The first value of a query parameter, or {@code null} when the request has none. */
    String queryParameter(String name);

    /** A builder of a plain request, for tools and tests. */
    static SimpleRouteRequest.Builder builder() {
        return new SimpleRouteRequest.Builder();
    }
}
