package io.inmesh.core.model;

import java.util.Map;

/**
 * Selects workloads by their labels.
 *
 * @param labels labels a workload must all carry
 */
public record WorkloadSelector(
        Map<String, String> labels) {
}
