package io.inmesh.routing;

import io.inmesh.core.model.TrafficPolicy;
import java.util.Map;

/**
 * A destination's endpoints and policy as its DestinationRule defines them.
 *
 * @param destinationRule the DestinationRule as {@code namespace/name}
 * @param subset the subset's name, or {@code null} for the whole service
 * @param labels the labels an endpoint must carry to belong to the subset; empty for the whole service
 * @param trafficPolicy the rule's policy with the subset's policy merged over it, or {@code null}
 */
public record ResolvedSubset(String destinationRule, String subset, Map<String, String> labels, TrafficPolicy trafficPolicy) {

    public ResolvedSubset {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
