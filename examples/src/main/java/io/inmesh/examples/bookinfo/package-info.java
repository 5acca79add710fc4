/**
 * Bookinfo in one JVM: Istio's Bookinfo sample (productpage, details, ratings, reviews v1 to v3)
 * as mesh servers, each with a mesh of its own, routed by Istio's own Bookinfo rules, unchanged.
 * {@link io.inmesh.examples.bookinfo.BookinfoDemo} is the command ({@code bin/bookinfo-demo});
 * {@link io.inmesh.examples.bookinfo.Bookinfo} starts the services;
 * {@link io.inmesh.examples.bookinfo.RulesDirectory} changes the watched rules as
 * {@code kubectl apply} changes a cluster; {@link io.inmesh.examples.bookinfo.Users} visits the
 * product page and {@link io.inmesh.examples.bookinfo.Tally} counts which reviews version answered.
 */
package io.inmesh.examples.bookinfo;
