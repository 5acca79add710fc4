package io.inmesh.core.model;

import java.time.Duration;
import java.util.List;

/**
 * A CORS policy.
 *
 * @param allowOrigins allowed origins
 * @param allowOrigin deprecated: allowed origins, exact
 * @param allowMethods allowed methods
 * @param allowHeaders allowed request headers
 * @param exposeHeaders exposed response headers
 * @param maxAge how long a preflight may be cached
 * @param allowCredentials whether credentials are allowed
 * @param unmatchedPreflights what to do with preflights from unknown origins
 */
public record CorsPolicy(
        List<StringMatch> allowOrigins,
        List<String> allowOrigin,
        List<String> allowMethods,
        List<String> allowHeaders,
        List<String> exposeHeaders,
        Duration maxAge,
        Boolean allowCredentials,
        UnmatchedPreflights unmatchedPreflights) {

    /** Handling of preflight requests that match no allowed origin. */
    public enum UnmatchedPreflights {
        UNSPECIFIED,
        FORWARD,
        IGNORE
    }
}
