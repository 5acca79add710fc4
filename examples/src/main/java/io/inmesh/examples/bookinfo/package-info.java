/**
 * Bookinfo in one JVM: Istio's Bookinfo sample (productpage, details, ratings, reviews v1 to v3)
 * as mesh servers, each with a mesh of its own, routed by Istio's own Bookinfo rules, unchanged.
 * {@link io.inmesh.examples.bookinfo.BookinfoDemo} is the command ({@code bin/bookinfo-demo});
 * {@link io.inmesh.examples.bookinfo.Bookinfo} starts the services;
 * {@link io.inmesh.examples.bookinfo.RulesDirectory} changes the watched rules as
 * {@code kubectl apply} changes a cluster; {@link io.inmesh.examples.bookinfo.Scenario} is one step
 * of Istio's traffic-management tasks (routing, shifting, fault injection, timeouts, circuit
 * breaking) with what the task says you should see; {@link io.inmesh.examples.bookinfo.Users} visits
 * the product page and {@link io.inmesh.examples.bookinfo.Tally} counts which reviews version
 * answered and what the pages showed; {@link io.inmesh.examples.bookinfo.CallTally} counts the
 * circuit-breaking scenario's calls. In the control-plane mode ({@code --control-plane URL}) every
 * mesh takes its rules from a control plane, and {@link io.inmesh.examples.bookinfo.SplitWindow} is
 * the reviews split of steady traffic, window by window.
 */
package io.inmesh.examples.bookinfo;
