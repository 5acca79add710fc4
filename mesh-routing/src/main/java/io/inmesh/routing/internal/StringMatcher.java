package io.inmesh.routing.internal;

import com.google.re2j.Pattern;
import io.inmesh.core.model.StringMatch;

/**
 * A compiled {@link StringMatch}: exact, prefix or RE2 regex (a full match, as Envoy's
 * {@code safe_regex}), or presence only when the match is empty. Matching never allocates, except
 * inside RE2/J for a regex.
 */
public abstract sealed class StringMatcher {

    /** True when {@code value} (never {@code null}) satisfies the match. */
    public abstract boolean matches(String value);

    /**
     * Compiles {@code match}; {@code ignoreCase} applies to exact and prefix only, as Envoy's
     * {@code ignore_case} does not change a regex. An empty match, and Istio's {@code regex: "*"},
     * ask only for presence.
     */
    public static StringMatcher of(StringMatch match, boolean ignoreCase) {
        if (match.exact() != null) {
            return new Exact(match.exact(), ignoreCase);
        }
        if (match.prefix() != null) {
            return new Prefix(match.prefix(), ignoreCase);
        }
        if (match.regex() != null && !match.regex().equals("*")) {
            return new Regex(Pattern.compile(match.regex()));
        }
        return Present.INSTANCE;
    }

    /** Whether this only asks that the value be present. */
    public boolean isPresenceOnly() {
        return this instanceof Present;
    }

    static final class Exact extends StringMatcher {
        private final String expected;
        private final boolean ignoreCase;

        Exact(String expected, boolean ignoreCase) {
            this.expected = expected;
            this.ignoreCase = ignoreCase;
        }

        @Override
        public boolean matches(String value) {
            return ignoreCase ? expected.equalsIgnoreCase(value) : expected.equals(value);
        }

        @Override
        public String toString() {
            return "exact " + expected;
        }
    }

    static final class Prefix extends StringMatcher {
        private final String prefix;
        private final boolean ignoreCase;

        Prefix(String prefix, boolean ignoreCase) {
            this.prefix = prefix;
            this.ignoreCase = ignoreCase;
        }

        @Override
        public boolean matches(String value) {
            return value.regionMatches(ignoreCase, 0, prefix, 0, prefix.length());
        }

        @Override
        public String toString() {
            return "prefix " + prefix;
        }
    }

    static final class Regex extends StringMatcher {
        private final Pattern pattern;

        Regex(Pattern pattern) {
            this.pattern = pattern;
        }

        @Override
        public boolean matches(String value) {
            return pattern.matches(value);
        }

        @Override
        public String toString() {
            return "regex " + pattern.pattern();
        }
    }

    static final class Present extends StringMatcher {
        static final Present INSTANCE = new Present();

        @Override
        public boolean matches(String value) {
            return true;
        }

        @Override
        public String toString() {
            return "present";
        }
    }
}
