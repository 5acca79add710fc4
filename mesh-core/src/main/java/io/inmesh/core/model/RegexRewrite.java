package io.inmesh.core.model;

/**
 * A regular expression rewrite of the path.
 *
 * @param match RE2 expression
 * @param rewrite replacement, may use \\1 style groups
 */
public record RegexRewrite(
        String match,
        String rewrite) {
}
