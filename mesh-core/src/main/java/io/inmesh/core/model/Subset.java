package io.inmesh.core.model;

import java.util.Map;

/**
 * A named group of a service's endpoints, selected by labels, with an optional policy.
 *
 * @param name the subset's name
 * @param labels labels that select endpoints
 * @param trafficPolicy overrides of the rule's policy
 */
public record Subset(
        String name,
        Map<String, String> labels,
        TrafficPolicy trafficPolicy) {
}
