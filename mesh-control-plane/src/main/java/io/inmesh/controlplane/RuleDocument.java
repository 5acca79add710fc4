package io.inmesh.controlplane;

import java.util.Objects;

/**
 * One YAML document of a rule set, as written in its file: what the control plane sends a workload.
 * A file with several {@code ---}-separated documents gives one {@code RuleDocument} each, so that a
 * workload receives only the documents that concern it.
 *
 * @param origin the file it comes from, relative to the rules directory, with {@code /} separators
 *     (such as {@code bookinfo/reviews.yaml})
 * @param firstLine the 1-based line of the file where {@code yaml} starts, so that a diagnostic about
 *     the document can name the line of the file
 * @param yaml the document's text, exactly as written (including its {@code ---} marker and leading
 *     comments, if any), ending with a line break
 * @param resource the resource it defines as {@code Kind/namespace/name}, or {@code null} when it
 *     defines none (a document that holds only {@code null}, or one of a refused set that could not be read)
 */
public record RuleDocument(String origin, int firstLine, String yaml, String resource) {

    public RuleDocument {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(yaml, "yaml");
        if (firstLine < 1) {
            throw new IllegalArgumentException("firstLine: " + firstLine + " (expected: 1 or more)");
        }
    }
}
