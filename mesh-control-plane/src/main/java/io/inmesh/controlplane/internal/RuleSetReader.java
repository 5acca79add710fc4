package io.inmesh.controlplane.internal;

import io.inmesh.controlplane.RuleDocument;
import io.inmesh.core.config.ConfigReader;
import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.config.ReaderLimits;
import io.inmesh.core.config.Severity;
import io.inmesh.core.config.SourceLocation;
import io.inmesh.core.model.Resource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a rules directory once into memory and validates exactly what was read, with mesh-core's
 * reader and validator ({@link ConfigReader}, {@link MeshConfig#of}), as {@code mesh validate} does:
 * the same files ({@link ConfigReader#configFiles}), the same documents, the same diagnostics. Each
 * file is named by its path relative to the directory, in diagnostics and in the documents.
 *
 * <p>Blocking file IO: call it on a thread that may block.
 */
public final class RuleSetReader {

    private final Path root;
    private final ReaderLimits limits = ReaderLimits.DEFAULTS;

    public RuleSetReader(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * What one read found.
     *
     * @param documents every document with content, in read order
     * @param hash the content hash of {@code documents}
     * @param result the validation of the resources they define
     * @param stable whether the files kept their names, sizes and modification times while being read;
     *     an unstable read may mix old and new content
     */
    public record RuleSet(List<RuleDocument> documents, String hash, MeshConfig.LoadResult result, boolean stable) {
    }

    public RuleSet read() {
        List<String> before = fingerprint();
        List<RuleDocument> documents = new ArrayList<>();
        List<Resource<?>> resources = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<Path> files = list(diagnostics);
        ConfigReader reader = ConfigReader.withLimits(limits);
        for (Path file : files) {
            readFile(file, reader, documents, resources, diagnostics);
        }
        boolean stable = before.equals(fingerprint());
        MeshConfig.LoadResult validated = MeshConfig.of(resources);
        diagnostics.addAll(validated.diagnostics());
        diagnostics.sort(null);
        boolean valid = diagnostics.stream().noneMatch(Diagnostic::isError);
        MeshConfig.LoadResult result = new MeshConfig.LoadResult(valid ? validated.config() : null, resources.size(), diagnostics);
        return new RuleSet(documents, ContentHash.of(documents), result, stable);
    }

    private List<Path> list(List<Diagnostic> diagnostics) {
        if (!Files.isDirectory(root)) {
            diagnostics.add(error(root.toString(), "no such directory (expected: the directory of the rule files)"));
            return List.of();
        }
        try {
            List<Path> files = ConfigReader.configFiles(root);
            if (files.isEmpty()) {
                diagnostics.add(new Diagnostic(Severity.WARNING, SourceLocation.of(root.toString()), null, null,
                        "no *.yaml or *.yml file in this directory"));
            }
            return files;
        } catch (IOException | RuntimeException e) {
            diagnostics.add(error(root.toString(), "cannot list directory: " + e.getMessage()));
            return List.of();
        }
    }

    private void readFile(Path file, ConfigReader reader, List<RuleDocument> documents, List<Resource<?>> resources,
            List<Diagnostic> diagnostics) {
        String origin = origin(file);
        String text;
        try {
            long size = Files.size(file);
            if (size > limits.maxSourceBytes()) {
                diagnostics.add(error(origin, "source is " + size + " bytes, over the limit of " + limits.maxSourceBytes()
                        + " bytes (split it into several files)"));
                // Still part of the hash, so that the refusal names this content.
                documents.add(new RuleDocument(origin, 1, "# " + size + " bytes, " + Files.getLastModifiedTime(file) + "\n", null));
                return;
            }
            byte[] bytes = Files.readAllBytes(file);
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException e) {
                diagnostics.add(error(origin, "not valid UTF-8 text"));
                documents.add(new RuleDocument(origin, 1, new String(bytes, StandardCharsets.UTF_8), null));
                return;
            }
        } catch (IOException e) {
            diagnostics.add(error(origin, "cannot read: " + e));
            return;
        }
        ConfigReader.ReadResult read = reader.read(origin, text);
        diagnostics.addAll(read.diagnostics());
        resources.addAll(read.resources());
        for (YamlDocuments.Chunk chunk : YamlDocuments.split(text)) {
            if (!chunk.hasContent()) {
                continue;
            }
            String key = null;
            for (Resource<?> resource : read.resources()) {
                if (chunk.contains(resource.location().line())) {
                    key = resource.key();
                    break;
                }
            }
            documents.add(new RuleDocument(origin, chunk.firstLine(), chunk.text(), key));
        }
    }

    /** The file's path below the root with {@code /} separators, whatever the platform. */
    private String origin(Path file) {
        Path relative = file.startsWith(root) ? root.relativize(file) : file.getFileName();
        StringBuilder name = new StringBuilder();
        for (Path element : relative) {
            if (name.length() > 0) {
                name.append('/');
            }
            name.append(element);
        }
        return name.length() == 0 ? file.getFileName().toString() : name.toString();
    }

    /** Names, sizes and modification times: different when a file changed while it was read. */
    private List<String> fingerprint() {
        List<String> entries = new ArrayList<>();
        try {
            for (Path file : Files.isDirectory(root) ? ConfigReader.configFiles(root) : List.<Path>of()) {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                entries.add(file + " " + attributes.size() + " " + attributes.lastModifiedTime().toMillis() + " " + attributes.fileKey());
            }
        } catch (IOException | RuntimeException e) {
            entries.add("unlistable " + e.getClass().getSimpleName());
        }
        return entries;
    }

    private static Diagnostic error(String source, String message) {
        return new Diagnostic(Severity.ERROR, SourceLocation.of(source), null, null, message);
    }
}
