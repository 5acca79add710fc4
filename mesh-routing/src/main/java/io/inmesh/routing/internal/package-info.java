/**
 * Internal: compiled matchers, VirtualService and DestinationRule indexes behind
 * {@link io.inmesh.routing.RouteTable}. Not an API.
 */
package io.inmesh.routing.internal;
