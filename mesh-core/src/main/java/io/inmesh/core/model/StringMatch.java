package io.inmesh.core.model;

/**
 * How to match a string: exactly one of exact, prefix or regex (RE2 syntax, matched against the
 * whole value). All unset matches any value that is present.
 *
 * @param exact the value must equal this string
 * @param prefix the value must start with this string
 * @param regex the whole value must match this RE2 expression
 */
public record StringMatch(
        String exact,
        String prefix,
        String regex) {

    /** True when none of exact, prefix and regex is set: the match only asks for presence. */
    public boolean isEmpty() {
        return exact == null && prefix == null && regex == null;
    }
}
