package io.inmesh.examples.bookinfo;

import io.inmesh.core.Mesh;
import io.inmesh.core.MeshSnapshot;
import io.inmesh.core.config.ConfigReader;
import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A directory of Istio rules that changes the way {@code kubectl apply -f} changes a cluster: every
 * resource is kept in a file of its own, named for its kind, namespace and name
 * ({@code virtualservice-default-reviews.yaml}), so applying a document for a resource that exists
 * replaces it. Applying Istio's {@code virtual-service-reviews-90-10.yaml} after
 * {@code virtual-service-all-v1.yaml} therefore replaces the VirtualService {@code reviews} and keeps
 * the other three, instead of leaving two VirtualServices named {@code reviews} side by side, which
 * the mesh would refuse as a duplicate.
 *
 * <p>Each document is written exactly as it was given, and each file is written to a temporary name
 * and moved into place, so a watcher never reads half a file. Rules are validated together with
 * those already in the directory before anything is written: what {@link #apply} refuses leaves the
 * directory as it was.
 *
 * <p>Not thread-safe: one caller applies rules at a time.
 */
public final class RulesDirectory implements AutoCloseable {

    /** A YAML document separator line: {@code ---}, optionally followed by a comment. */
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(?:#.*)?$");

    private final Path directory;
    private final boolean temporary;

    private RulesDirectory(Path directory, boolean temporary) {
        this.directory = directory;
        this.temporary = temporary;
    }

    /** A new, empty directory under the system's temporary directory; {@link #close()} deletes it. */
    public static RulesDirectory createTemporary() {
        try {
            return new RulesDirectory(Files.createTempDirectory("bookinfo-rules-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary rules directory", e);
        }
    }

    /** The directory the meshes watch. */
    public Path path() {
        return directory;
    }

    /**
     * The file that holds the resource {@code key} ({@code Kind/namespace/name}, as
     * {@link Resource#key()} gives it), whether or not it exists.
     */
    public Path fileOf(String key) {
        String[] parts = key.split("/", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("resource key " + key + " (expected Kind/namespace/name)");
        }
        return directory.resolve(parts[0].toLowerCase(Locale.ROOT) + "-" + parts[1] + "-" + parts[2] + ".yaml");
    }

    /**
     * Rules to apply: YAML text and the name it is known by (a file name), which diagnostics cite.
     *
     * @param name a file name or description, such as {@code virtual-service-reviews-90-10.yaml}
     * @param yaml one or more YAML documents
     */
    public record RuleText(String name, String yaml) {
        public RuleText {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(yaml, "yaml");
        }

        /** Reads a file. */
        public static RuleText of(Path file) throws IOException {
            return new RuleText(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        }
    }

    /**
     * What applying rules did.
     *
     * @param resources the resources written, as read from the given text; empty when refused
     * @param diagnostics the findings about the given rules; errors mean nothing was written
     */
    public record Applied(List<Resource<?>> resources, List<Diagnostic> diagnostics) {
        public Applied {
            resources = List.copyOf(resources);
            diagnostics = List.copyOf(diagnostics);
        }

        /** Whether the rules were written. */
        public boolean accepted() {
            return diagnostics.stream().noneMatch(Diagnostic::isError);
        }

        /** The resources' keys, such as {@code VirtualService/default/reviews}. */
        public List<String> keys() {
            return resources.stream().map(Resource::key).toList();
        }
    }

    /** {@link #apply(List)} of one text. */
    public Applied apply(RuleText rules) throws IOException {
        return apply(List.of(rules));
    }

    /**
     * Applies rules: each document replaces the file of the resource it defines, or creates it.
     * First the documents are read, and then validated together with every other resource of the
     * directory, as the mesh will validate them; any error and nothing is written. Documents that
     * define no resource (comments only, or a kind the mesh does not read, which is a warning) are
     * skipped.
     */
    public Applied apply(List<RuleText> rules) throws IOException {
        ConfigReader reader = ConfigReader.create();
        List<Diagnostic> diagnostics = new ArrayList<>();
        Map<String, String> documents = new LinkedHashMap<>();
        List<Resource<?>> resources = new ArrayList<>();
        for (RuleText text : rules) {
            // Read whole first, so that diagnostics cite the lines of the text as given.
            ConfigReader.ReadResult whole = reader.read(text.name(), text.yaml());
            diagnostics.addAll(whole.diagnostics());
            if (whole.hasErrors()) {
                continue;
            }
            for (String document : DOCUMENT_SEPARATOR.split(text.yaml())) {
                List<Resource<?>> defined = reader.read(text.name(), document).resources();
                if (defined.isEmpty()) {
                    continue;
                }
                // A kubectl List is one document with several resources: kept whole, under its first one's name.
                documents.put(defined.get(0).key(), document.strip() + "\n");
            }
            resources.addAll(whole.resources());
        }
        if (diagnostics.stream().anyMatch(Diagnostic::isError)) {
            return new Applied(List.of(), diagnostics);
        }

        // Validate as the mesh will: the new resources beside those of the directory they do not replace.
        List<Path> kept = new ArrayList<>();
        for (Path file : files()) {
            if (documents.keySet().stream().map(this::fileOf).noneMatch(file::equals)) {
                kept.add(file);
            }
        }
        List<Resource<?>> combined = new ArrayList<>(kept.isEmpty() ? List.of() : reader.read(kept).resources());
        combined.addAll(resources);
        List<Diagnostic> cross = MeshConfig.of(combined).diagnostics();
        if (cross.stream().anyMatch(Diagnostic::isError)) {
            diagnostics.addAll(cross);
            return new Applied(List.of(), diagnostics);
        }
        for (Map.Entry<String, String> document : documents.entrySet()) {
            writeAtomically(fileOf(document.getKey()), document.getValue());
        }
        return new Applied(resources, diagnostics);
    }

    /** The resources the directory holds now, in the order the mesh reads them. */
    public List<Resource<?>> resources() throws IOException {
        List<Path> files = files();
        return files.isEmpty() ? List.of() : ConfigReader.create().read(files).resources();
    }

    /** The rule files in the directory, in the order the mesh reads them. */
    public List<Path> files() throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            return list.filter(file -> file.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /**
     * Completes when every mesh runs on a snapshot that holds every resource of {@code applied} as
     * it was applied (same metadata and spec); fails after {@code timeout}, naming the mesh and the
     * last rules it refused, if any.
     */
    public static Mono<Void> inForce(List<Mesh> meshes, List<Resource<?>> applied, Duration timeout) {
        return Flux.fromIterable(meshes)
                .flatMap(mesh -> mesh.snapshots()
                        .filter(snapshot -> holds(snapshot, applied))
                        .next()
                        .timeout(timeout, Mono.error(() -> new IllegalStateException("workload " + mesh.workload().name()
                                + " did not take up the rules within " + timeout.toMillis() + " ms"
                                + (mesh.lastRejection().isEmpty() ? "" : "; it refused them:\n" + String.join("\n",
                                        mesh.lastRejection().stream().filter(Diagnostic::isError).map(Diagnostic::format).toList()))))))
                .then();
    }

    /** Whether {@code snapshot} holds each of {@code resources} with the same metadata and spec. */
    static boolean holds(MeshSnapshot snapshot, List<Resource<?>> resources) {
        List<Resource<?>> present = snapshot.config().resources();
        for (Resource<?> wanted : resources) {
            boolean found = false;
            for (Resource<?> candidate : present) {
                if (candidate.kind() == wanted.kind() && candidate.metadata().equals(wanted.metadata())
                        && candidate.spec().equals(wanted.spec())) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private void writeAtomically(Path target, String content) throws IOException {
        // A name the mesh does not read (not *.yaml), in the same directory so that the move is a rename.
        Path temporaryFile = directory.resolve("." + target.getFileName() + ".tmp");
        Files.writeString(temporaryFile, content, StandardCharsets.UTF_8);
        try {
            Files.move(temporaryFile, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporaryFile, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes the directory when {@link #createTemporary()} made it. */
    @Override
    public void close() {
        if (!temporary) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("bookinfo-demo: could not delete " + directory + ": " + e);
        }
    }
}
