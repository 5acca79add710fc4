package io.inmesh.core.model;

/**
 * A percentage as a double, 0.0 to 100.0.
 *
 * @param value the percentage
 */
public record Percent(
        Double value) {
}
