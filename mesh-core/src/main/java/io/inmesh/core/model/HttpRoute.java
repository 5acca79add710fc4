package io.inmesh.core.model;

import java.time.Duration;
import java.util.List;

/**
 * One HTTP route of a VirtualService: conditions, and what to do with a matching request.
 *
 * @param name the route's name, used in logs and explanations
 * @param match conditions, ORed; none means match all
 * @param route weighted destinations
 * @param redirect answer with a redirect instead of forwarding
 * @param directResponse answer directly instead of forwarding
 * @param delegate delegate routing to another VirtualService
 * @param rewrite rewrite the URI or authority before forwarding
 * @param timeout timeout of the whole request
 * @param retries retry policy
 * @param fault faults to inject
 * @param mirror a destination to mirror requests to
 * @param mirrors destinations to mirror requests to
 * @param mirrorPercentage share of requests mirrored
 * @param mirrorPercent deprecated: share of requests mirrored, as an integer
 * @param corsPolicy cross-origin resource sharing policy
 * @param headers header manipulations
 */
public record HttpRoute(
        String name,
        List<HttpMatchRequest> match,
        List<HttpRouteDestination> route,
        HttpRedirect redirect,
        HttpDirectResponse directResponse,
        Delegate delegate,
        HttpRewrite rewrite,
        Duration timeout,
        HttpRetry retries,
        HttpFaultInjection fault,
        Destination mirror,
        List<HttpMirrorPolicy> mirrors,
        Percent mirrorPercentage,
        Integer mirrorPercent,
        CorsPolicy corsPolicy,
        Headers headers) {
}
