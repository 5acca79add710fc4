package io.inmesh.controlplane;

import io.inmesh.core.config.MeshConfig;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One published version of a rule set: validated, immutable, and what every workload is served
 * (each its {@linkplain WorkloadScope scoped} part of it).
 *
 * @param version the version number: 1 for the first published set, one more for each later one,
 *     never reused by one {@link RuleRepository}
 * @param hash the SHA-256 of the documents, 64 lower-case hex digits (see {@link #hashOf(List)}); two
 *     versions never have the same hash in a row
 * @param publishedAt when the version was published
 * @param documents every document of the set, in the order the files are read (file paths in name
 *     order, documents in file order)
 * @param config the validated resources the documents define, for scoping and for embedding
 */
public record PublishedRules(long version, String hash, Instant publishedAt, List<RuleDocument> documents, MeshConfig config) {

    public PublishedRules {
        if (version < 1) {
            throw new IllegalArgumentException("version: " + version + " (expected: 1 or more)");
        }
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(publishedAt, "publishedAt");
        documents = List.copyOf(documents);
        Objects.requireNonNull(config, "config");
    }

    /**
     * The content hash of documents, as the protocol defines it: SHA-256 over, for each document in
     * order, its origin, its first line and its text, each origin and text written as a 4-byte
     * big-endian byte count followed by its UTF-8 bytes, and the first line as a 4-byte big-endian
     * integer; 64 lower-case hex digits.
     */
    public static String hashOf(List<RuleDocument> documents) {
        return io.inmesh.controlplane.internal.ContentHash.of(documents);
    }

    /** {@code v<version> (<first 12 hex digits of the hash>)}, for logs. */
    public String describe() {
        return "v" + version + " (" + hash.substring(0, Math.min(12, hash.length())) + ")";
    }
}
