package io.inmesh.core.config;

/**
 * Limits that keep hostile or accidental YAML (alias bombs, deep nesting, huge files) from costing
 * memory or stack. Input beyond a limit is refused with an error.
 *
 * @param maxSourceBytes the largest file read, in bytes
 * @param maxCodePoints the largest single document, in characters
 * @param maxAliasesForCollections aliases to lists or maps allowed per document
 * @param maxNestingDepth the deepest nesting of lists and maps
 * @param maxDocumentsPerSource documents allowed in one file
 * @param maxLineLength the longest line, in characters
 */
public record ReaderLimits(
        long maxSourceBytes, int maxCodePoints, int maxAliasesForCollections, int maxNestingDepth,
        int maxDocumentsPerSource, int maxLineLength) {

    /**
     * 8 MiB per file, 4 Mi characters per document, 20 collection aliases, 64 levels, 100 000
     * documents, 256 Ki characters per line: far above any real Istio configuration, far below what
     * hurts a JVM.
     */
    public static final ReaderLimits DEFAULTS = new ReaderLimits(8L << 20, 4 << 20, 20, 64, 100_000, 256 << 10);

    public ReaderLimits {
        if (maxSourceBytes <= 0 || maxCodePoints <= 0 || maxAliasesForCollections < 0 || maxNestingDepth <= 0
                || maxDocumentsPerSource <= 0 || maxLineLength <= 0) {
            throw new IllegalArgumentException("limits must be positive: " + maxSourceBytes + ", " + maxCodePoints
                    + ", " + maxAliasesForCollections + ", " + maxNestingDepth + ", " + maxDocumentsPerSource + ", " + maxLineLength);
        }
    }
}
