package io.inmesh.core.model;

/**
 * A response answered directly instead of forwarding.
 *
 * @param status the status code
 * @param body the body
 */
public record HttpDirectResponse(
        Integer status,
        HttpBody body) {
}
