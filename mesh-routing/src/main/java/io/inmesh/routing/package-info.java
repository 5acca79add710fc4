/**
 * Routing decisions: {@link io.inmesh.routing.RouteTable} compiles a validated configuration once
 * and then tells, per {@link io.inmesh.routing.RouteRequest} and {@link io.inmesh.routing.Caller},
 * which VirtualService route applies and which weighted destinations it offers, exactly as Istio's
 * sidecar would route the request.
 */
package io.inmesh.routing;
