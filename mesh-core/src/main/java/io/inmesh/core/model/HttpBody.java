package io.inmesh.core.model;

/**
 * The body of a direct response: exactly one of string or bytes (base64).
 *
 * @param string text body
 * @param bytes base64-encoded body
 */
public record HttpBody(
        String string,
        String bytes) {
}
