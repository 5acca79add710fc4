/**
 * Internal: compiled matchers, VirtualService and DestinationRule indexes behind
 * {@link io.inmesh.routing.RouteTable}, the client steps, and each cluster's state (load balancers,
 * outlier detection, limits). Not an API.
 */
package io.inmesh.routing.internal;
