/**
 * JMH benchmarks of routing on the request path: matching a request against route tables of 1,
 * 100 and 10 000 routes ({@link io.inmesh.benchmarks.routing.RouteMatching}) and the weighted pick
 * of a destination ({@link io.inmesh.benchmarks.routing.WeightedPick}).
 */
package io.inmesh.benchmarks.routing;
