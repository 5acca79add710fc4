package io.inmesh.core.model;

/**
 * Rewrites applied before forwarding.
 *
 * @param uri replacement for the matched path prefix
 * @param authority replacement authority
 * @param uriRegexRewrite regex rewrite of the path
 */
public record HttpRewrite(
        String uri,
        String authority,
        RegexRewrite uriRegexRewrite) {
}
