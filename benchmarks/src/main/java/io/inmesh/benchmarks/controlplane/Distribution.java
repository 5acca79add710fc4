package io.inmesh.benchmarks.controlplane;

import java.util.Arrays;
import java.util.Collection;

/**
 * A summary of measured values (milliseconds): count, min, p50, p90, p99, max. Percentiles are by
 * nearest rank, so each one is a value that was measured: the {@code p}-th percentile of {@code n}
 * sorted values is the one at rank {@code ceil(p/100 × n)}. With 20 values p99 is the maximum.
 */
record Distribution(int count, double min, double p50, double p90, double p99, double max) {

    /** Summarises {@code values}; at least one. */
    static Distribution of(Collection<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("values: [] (expected at least one measurement)");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return new Distribution(sorted.length, sorted[0], percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
                sorted[sorted.length - 1]);
    }

    /** The nearest-rank {@code p}-th percentile of {@code sorted} (ascending, not empty), {@code 0 < p <= 100}. */
    static double percentile(double[] sorted, double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("p: " + p + " (expected: more than 0, at most 100)");
        }
        // p × n first: 0.99 × 100 would round up to rank 100.
        int rank = (int) Math.ceil(p * sorted.length / 100);
        return sorted[Math.max(rank, 1) - 1];
    }
}
