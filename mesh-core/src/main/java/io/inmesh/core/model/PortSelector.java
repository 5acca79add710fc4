package io.inmesh.core.model;

/**
 * A port of a destination service.
 *
 * @param number the port number, 1..65535
 */
public record PortSelector(
        Integer number) {
}
