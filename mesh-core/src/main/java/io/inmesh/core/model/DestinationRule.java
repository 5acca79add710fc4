package io.inmesh.core.model;

import java.util.List;

/**
 * The spec of a DestinationRule: policies for traffic to a host once routing has happened, and its
 * subsets.
 *
 * @param host the service the rule applies to
 * @param trafficPolicy the default policy
 * @param subsets named groups of endpoints
 * @param exportTo namespaces the rule is visible to
 * @param workloadSelector workloads the rule applies to
 */
public record DestinationRule(
        String host,
        TrafficPolicy trafficPolicy,
        List<Subset> subsets,
        List<String> exportTo,
        LabelSelector workloadSelector) {
}
