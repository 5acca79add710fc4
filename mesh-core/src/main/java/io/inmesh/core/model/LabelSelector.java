package io.inmesh.core.model;

import java.util.Map;

/**
 * Selects workloads by their labels, as the security resources and DestinationRule write it.
 *
 * @param matchLabels labels a workload must all carry
 */
public record LabelSelector(
        Map<String, String> matchLabels) {
}
