package io.inmesh.core.model;

/**
 * A mirror destination with its share.
 *
 * @param destination where copies go
 * @param percentage share of requests mirrored
 */
public record HttpMirrorPolicy(
        Destination destination,
        Percent percentage) {
}
