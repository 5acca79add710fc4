package io.inmesh.core.config;

import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A validated, immutable set of Istio resources: what a snapshot is compiled from. Obtained only
 * through {@link #load}, so holding one means it passed {@link ConfigReader} and
 * {@link ConfigValidator} without errors.
 */
public final class MeshConfig {

    private final List<Resource<?>> resources;
    private final Map<ResourceKind, List<Resource<?>>> byKind;
    private final List<SourceDocument> documents;

    private MeshConfig(List<Resource<?>> resources, List<SourceDocument> documents) {
        this.resources = List.copyOf(resources);
        this.documents = documents;
        Map<ResourceKind, List<Resource<?>>> grouped = new EnumMap<>(ResourceKind.class);
        for (ResourceKind kind : ResourceKind.values()) {
            grouped.put(kind, resources.stream().filter(r -> r.kind() == kind).toList());
        }
        this.byKind = grouped;
    }

    /**
     * The outcome of loading: the config when there was no error, and every diagnostic.
     *
     * @param config the validated config, or {@code null} when any diagnostic is an error
     * @param resourceCount how many resources were read
     * @param diagnostics all findings, in source order
     * @param version the version its source gave these rules (a control plane's {@code 7:3f2a…}), or
     *     {@code null} when the source has none; a mesh then names the rules by their content
     */
    public record LoadResult(MeshConfig config, int resourceCount, List<Diagnostic> diagnostics, String version) {
        public LoadResult {
            diagnostics = List.copyOf(diagnostics);
        }

        /** A result without a version of its source's. */
        public LoadResult(MeshConfig config, int resourceCount, List<Diagnostic> diagnostics) {
            this(config, resourceCount, diagnostics, null);
        }

        /** This result under the version its source gave it. */
        public LoadResult withVersion(String version) {
            return new LoadResult(config, resourceCount, diagnostics, version);
        }

        public boolean isValid() {
            return config != null;
        }

        public long errorCount() {
            return diagnostics.stream().filter(Diagnostic::isError).count();
        }

        public long warningCount() {
            return diagnostics.size() - errorCount();
        }
    }

    /** Reads and validates files and directories (see {@link ConfigReader#read(Collection)}). */
    public static LoadResult load(Collection<Path> paths) {
        return validate(ConfigReader.create().read(paths));
    }

    /** Reads and validates YAML text. */
    public static LoadResult load(String sourceName, String yaml) {
        return validate(ConfigReader.create().read(sourceName, yaml));
    }

    /**
     * Reads and validates YAML texts as one configuration, in order, each under its own name: the
     * texts of {@link #sourceDocuments()} give back an equal configuration.
     */
    public static LoadResult loadDocuments(List<SourceDocument> documents) {
        return validate(ConfigReader.create().readDocuments(documents));
    }

    /** Validates resources built in code or read elsewhere; the config has no {@linkplain #sourceDocuments() source documents}. */
    public static LoadResult of(List<Resource<?>> resources) {
        return validate(new ConfigReader.ReadResult(resources, List.of()), null);
    }

    private static LoadResult validate(ConfigReader.ReadResult read) {
        return validate(read, read.documents());
    }

    private static LoadResult validate(ConfigReader.ReadResult read, List<SourceDocument> documents) {
        List<Diagnostic> diagnostics = new ArrayList<>(read.diagnostics());
        diagnostics.addAll(ConfigValidator.validate(read.resources()));
        diagnostics.sort(null);
        boolean valid = diagnostics.stream().noneMatch(Diagnostic::isError);
        return new LoadResult(valid ? new MeshConfig(read.resources(), documents) : null, read.resources().size(), diagnostics);
    }

    /**
     * The YAML texts this config was read from, in order, under their source names; empty when it
     * was built from resources in code ({@link #of}), since then there is no text to read again.
     */
    public java.util.Optional<List<SourceDocument>> sourceDocuments() {
        return java.util.Optional.ofNullable(documents);
    }

    /** All resources, in the order they were read. */
    public List<Resource<?>> resources() {
        return resources;
    }

    /** The resources of one kind, in the order they were read, typed by their spec. */
    @SuppressWarnings("unchecked")
    public <S extends Record> List<Resource<S>> resources(ResourceKind kind, Class<S> specType) {
        if (kind.specType() != specType) {
            throw new IllegalArgumentException(kind + " has spec " + kind.specType().getSimpleName() + ", not " + specType.getSimpleName());
        }
        return (List<Resource<S>>) (List<?>) byKind.get(kind);
    }
}
