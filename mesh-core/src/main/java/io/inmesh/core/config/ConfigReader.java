package io.inmesh.core.config;

import io.inmesh.core.internal.yaml.DiagnosticCollector;
import io.inmesh.core.internal.yaml.ResourceDocumentReader;
import io.inmesh.core.model.Resource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Reads Istio YAML into typed {@link Resource}s, with a {@link Diagnostic} for everything that could
 * not be read: YAML syntax, unknown fields, values of the wrong type, unsupported kinds.
 *
 * <p>Reading checks shape only; {@link ConfigValidator} checks meaning. Instances are immutable and
 * thread-safe.
 */
public final class ConfigReader {

    private final ReaderLimits limits;

    private ConfigReader(ReaderLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** A reader with {@link ReaderLimits#DEFAULTS}. */
    public static ConfigReader create() {
        return new ConfigReader(ReaderLimits.DEFAULTS);
    }

    public static ConfigReader withLimits(ReaderLimits limits) {
        return new ConfigReader(limits);
    }

    /**
     * What a read produced: the resources that could be read, what could not, and the texts that
     * were read.
     *
     * @param resources the resources that could be read, in source order
     * @param diagnostics everything that could not, sorted by location
     * @param documents the texts read, in order, each under its source name; empty for resources built in code
     */
    public record ReadResult(List<Resource<?>> resources, List<Diagnostic> diagnostics, List<SourceDocument> documents) {
        public ReadResult {
            resources = List.copyOf(resources);
            diagnostics = diagnostics.stream().sorted().toList();
            documents = List.copyOf(documents);
        }

        /** A result with no source texts, for resources built in code. */
        public ReadResult(List<Resource<?>> resources, List<Diagnostic> diagnostics) {
            this(resources, diagnostics, List.of());
        }

        public boolean hasErrors() {
            return diagnostics.stream().anyMatch(Diagnostic::isError);
        }
    }

    /**
     * Reads files and directories. A directory is read recursively, every {@code *.yaml} and
     * {@code *.yml} file in name order; a file named directly is read whatever its name.
     */
    public ReadResult read(Collection<Path> paths) {
        List<Resource<?>> resources = new ArrayList<>();
        List<SourceDocument> documents = new ArrayList<>();
        DiagnosticCollector diagnostics = new DiagnosticCollector();
        ResourceDocumentReader reader = new ResourceDocumentReader(limits);
        for (Path path : paths) {
            for (Path file : expand(path, diagnostics)) {
                readFile(file, reader, resources, documents, diagnostics);
            }
        }
        return new ReadResult(resources, diagnostics.list(), documents);
    }

    /**
     * Reads YAML texts in order as one configuration, each under its own name, as
     * {@link #read(Collection)} reads files.
     */
    public ReadResult readDocuments(List<SourceDocument> documents) {
        List<Resource<?>> resources = new ArrayList<>();
        DiagnosticCollector diagnostics = new DiagnosticCollector();
        ResourceDocumentReader reader = new ResourceDocumentReader(limits);
        for (SourceDocument document : documents) {
            readText(document.name(), document.text(), reader, resources, diagnostics);
        }
        return new ReadResult(resources, diagnostics.list(), documents);
    }

    /** Reads YAML text; {@code sourceName} names it in diagnostics. */
    public ReadResult read(String sourceName, String yaml) {
        List<Resource<?>> resources = new ArrayList<>();
        DiagnosticCollector diagnostics = new DiagnosticCollector();
        readText(sourceName, yaml, new ResourceDocumentReader(limits), resources, diagnostics);
        return new ReadResult(resources, diagnostics.list(), List.of(new SourceDocument(sourceName, yaml)));
    }

    private void readText(String sourceName, String yaml, ResourceDocumentReader reader, List<Resource<?>> resources,
            DiagnosticCollector diagnostics) {
        if (yaml.length() > limits.maxSourceBytes()) {
            diagnostics.error(SourceLocation.of(sourceName), null, null, "source is " + yaml.length()
                    + " characters, over the limit of " + limits.maxSourceBytes() + " (split it into several sources)");
        } else {
            reader.read(sourceName, yaml, resources, diagnostics);
        }
    }

    private List<Path> expand(Path path, DiagnosticCollector diagnostics) {
        if (!Files.exists(path)) {
            diagnostics.error(SourceLocation.of(path.toString()), null, null, "no such file or directory");
            return List.of();
        }
        try {
            List<Path> files = configFiles(path);
            if (files.isEmpty()) {
                // A mistyped directory would otherwise pass validation silently.
                diagnostics.warning(SourceLocation.of(path.toString()), null, null, "no *.yaml or *.yml file in this directory");
            }
            return files;
        } catch (IOException | RuntimeException e) {
            diagnostics.error(SourceLocation.of(path.toString()), null, null, "cannot list directory: " + e.getMessage());
            return List.of();
        }
    }

    /**
     * The files {@link #read(Collection)} reads for {@code path}: the file itself, or every
     * {@code *.yaml} and {@code *.yml} file below the directory in name order, following symbolic
     * links. Names starting with {@code ..} are passed over: that is where Kubernetes keeps the
     * versions behind a mounted ConfigMap's links, which would otherwise be read twice.
     *
     * @throws IOException when the directory cannot be listed
     */
    public static List<Path> configFiles(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        try (Stream<Path> walk = Files.walk(path, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            return walk.filter(file -> !isHidden(path.relativize(file)))
                    .filter(Files::isRegularFile)
                    .filter(file -> {
                        String name = file.getFileName().toString();
                        return name.endsWith(".yaml") || name.endsWith(".yml");
                    })
                    .sorted()
                    .toList();
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static boolean isHidden(Path relative) {
        for (Path element : relative) {
            if (element.toString().startsWith("..")) {
                return true;
            }
        }
        return false;
    }

    private void readFile(Path file, ResourceDocumentReader reader, List<Resource<?>> resources,
            List<SourceDocument> documents, DiagnosticCollector diagnostics) {
        String source = file.toString();
        try {
            long size = Files.size(file);
            if (size > limits.maxSourceBytes()) {
                diagnostics.error(SourceLocation.of(source), null, null, tooLarge(size));
                return;
            }
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
            documents.add(new SourceDocument(source, text));
            reader.read(source, text, resources, diagnostics);
        } catch (CharacterCodingException e) {
            diagnostics.error(SourceLocation.of(source), null, null, "not valid UTF-8 text");
        } catch (IOException e) {
            diagnostics.error(SourceLocation.of(source), null, null, "cannot read: " + e);
        }
    }

    private String tooLarge(long size) {
        return "source is " + size + " bytes, over the limit of " + limits.maxSourceBytes()
                + " bytes (split it into several files)";
    }
}
