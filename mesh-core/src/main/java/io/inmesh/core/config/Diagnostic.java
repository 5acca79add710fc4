package io.inmesh.core.config;

import java.util.Comparator;
import java.util.Objects;

/**
 * One finding about configuration: where it is, which resource and field it concerns, and what was
 * expected.
 *
 * @param severity whether the finding rejects the configuration
 * @param location file, line and column of the offending value
 * @param resource the resource as {@code Kind/namespace/name}, or {@code null} when the finding is
 *     about a document that is not (yet) a resource, such as a YAML syntax error
 * @param field the field path inside the resource, such as {@code spec.http[0].route[1].weight},
 *     or {@code null} when the finding is about the whole document
 * @param message what is wrong: the value found and what was expected
 */
public record Diagnostic(
        Severity severity, SourceLocation location, String resource, String field, String message)
        implements Comparable<Diagnostic> {

    private static final Comparator<Diagnostic> ORDER = Comparator.comparing(Diagnostic::location)
            .thenComparing(Diagnostic::severity)
            .thenComparing(Diagnostic::message);

    public Diagnostic {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(message, "message");
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /**
     * The one-line form printed by {@code mesh validate}:
     * {@code FILE:LINE:COL: error|warning: Kind/namespace/name: field.path: message}.
     * Parts that are unknown are left out.
     */
    public String format() {
        StringBuilder line = new StringBuilder(128);
        line.append(location).append(": ").append(severity.label()).append(": ");
        if (resource != null) {
            line.append(resource).append(": ");
        }
        if (field != null && !field.isEmpty()) {
            line.append(field).append(": ");
        }
        return line.append(message).toString();
    }

    @Override
    public int compareTo(Diagnostic other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return format();
    }
}
