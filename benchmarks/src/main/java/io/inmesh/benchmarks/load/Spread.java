package io.inmesh.benchmarks.load;

import java.util.Arrays;
import java.util.Collection;

/**
 * One figure measured in several windows: the median of the windows and their range. The machine
 * stalls now and then even when idle, so a single window can be far off; the median of at least
 * three is the figure, and min–max shows how much the windows disagreed. With an even count the
 * median is the mean of the two middle values.
 */
public record Spread(double median, double min, double max) {

    /** The median and range of {@code values}; at least one, none NaN. */
    public static Spread of(Collection<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("values: [] (expected at least one window)");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        if (Double.isNaN(sorted[sorted.length - 1])) {
            throw new IllegalArgumentException("values: " + values + " (expected numbers, not NaN)");
        }
        int middle = sorted.length / 2;
        double median = sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(median, sorted[0], sorted[sorted.length - 1]);
    }

    /** This spread minus a constant (another setup's median): the added cost, with this setup's range. */
    public Spread minus(double value) {
        return new Spread(median - value, min - value, max - value);
    }
}
