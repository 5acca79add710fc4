package io.inmesh.core.config;

import java.util.Objects;

/**
 * One YAML text a configuration was read from, with the name it was read under (a file's path, or
 * the name given to {@link MeshConfig#load(String, String)}). Reading the same documents in the same
 * order through {@link MeshConfig#load(java.util.List)} gives an equal configuration, with the same
 * source locations; that is how the last good rules are kept on disk and restored.
 *
 * @param name names the text in diagnostics and source locations
 * @param text the YAML, as read
 */
public record SourceDocument(String name, String text) {
    public SourceDocument {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String toString() {
        return "SourceDocument{" + name + ", " + text.length() + " characters}";
    }
}
