package io.inmesh.core.config;

import java.util.Objects;

/**
 * A place in a configuration source: the file (or other named source) and a 1-based line and column.
 * A line or column of 0 means "unknown".
 */
public record SourceLocation(String source, int line, int column) implements Comparable<SourceLocation> {

    public SourceLocation {
        Objects.requireNonNull(source, "source");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must be >= 0, got " + line + ":" + column);
        }
    }

    /** A location that names only the source, for problems that concern the source as a whole. */
    public static SourceLocation of(String source) {
        return new SourceLocation(source, 0, 0);
    }

    @Override
    public int compareTo(SourceLocation other) {
        int bySource = source.compareTo(other.source);
        if (bySource != 0) {
            return bySource;
        }
        int byLine = Integer.compare(line, other.line);
        return byLine != 0 ? byLine : Integer.compare(column, other.column);
    }

    /** {@code source:line:column}, or just {@code source} when the position is unknown. */
    @Override
    public String toString() {
        return line == 0 ? source : source + ":" + line + ":" + column;
    }
}
