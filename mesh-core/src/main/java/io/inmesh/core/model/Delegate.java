package io.inmesh.core.model;

/**
 * A VirtualService that an HTTP route delegates to.
 *
 * @param name its name
 * @param namespace its namespace
 */
public record Delegate(
        String name,
        String namespace) {
}
