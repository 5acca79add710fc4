package io.inmesh.core.source;

import io.inmesh.core.config.ConfigReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files behind a list of configured paths, as {@link io.inmesh.core.config.ConfigReader} reads
 * them: a path that is a regular file is read whatever its name, a directory recursively for its
 * {@code *.yaml} and {@code *.yml} files in name order.
 *
 * <p>Answers three questions for the watch loop: which directories to watch, a cheap fingerprint
 * of names, sizes, modification times and file keys for polling, and a hash of every byte that
 * decides whether a reload is a change at all. Problems (a missing path, a file that cannot be
 * read) become part of the fingerprint and hash, never an exception: they are reported by the load
 * itself. Stateless and thread-safe.
 */
final class WatchedFiles {

    private final List<Path> roots;

    WatchedFiles(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /**
     * The directories whose events can signal a change: each configured directory and every real
     * (not symlinked) directory beneath it, and the parent directory of each configured file, or of
     * a path that does not exist yet, so that its creation, deletion or replacement is seen.
     */
    Set<Path> directoriesToWatch() {
        Set<Path> directories = new LinkedHashSet<>();
        for (Path given : roots) {
            // One spelling per directory: a watch service hands out one key per directory however named.
            Path root = given.toAbsolutePath().normalize();
            if (Files.isDirectory(root)) {
                directories.add(root);
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(directories::add);
                } catch (IOException | UncheckedIOException e) {
                    // Changing under our feet: the next event or poll tries again.
                }
            } else {
                Path parent = root.getParent();
                if (parent != null && Files.isDirectory(parent)) {
                    directories.add(parent);
                }
            }
        }
        return directories;
    }

    /**
     * Names, sizes, modification times and file keys of the files that would be read. Different
     * whenever a file is created, deleted, replaced or written, except a same-size rewrite within
     * the file system's time granularity that keeps the same file: the watch service sees that one.
     */
    List<String> fingerprint() {
        List<String> entries = new ArrayList<>();
        for (Path root : roots) {
            entries.add("root " + root);
            Expansion expansion = expand(root);
            if (expansion.problem() != null) {
                entries.add(expansion.problem());
            }
            for (Path file : expansion.files()) {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    entries.add(file + " " + attributes.size() + " " + attributes.lastModifiedTime().toMillis()
                            + " " + attributes.fileKey());
                } catch (IOException | RuntimeException e) {
                    entries.add(file + " unreadable " + e.getClass().getSimpleName());
                }
            }
        }
        return entries;
    }

    /** A SHA-256 over the name and bytes of every file that would be read, and over any problem listing them. */
    String contentHash() {
        MessageDigest digest = sha256();
        for (Path root : roots) {
            update(digest, "root " + root);
            Expansion expansion = expand(root);
            if (expansion.problem() != null) {
                update(digest, expansion.problem());
            }
            for (Path file : expansion.files()) {
                update(digest, "file " + file);
                try {
                    digest.update(hashOf(file));
                } catch (IOException | RuntimeException e) {
                    update(digest, "unreadable " + e.getClass().getSimpleName());
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private record Expansion(List<Path> files, String problem) {
    }

    /** The files the load reads, from {@link ConfigReader#configFiles}, so that the hash covers exactly them. */
    private static Expansion expand(Path root) {
        if (!Files.exists(root)) {
            return new Expansion(List.of(), "missing " + root);
        }
        try {
            return new Expansion(ConfigReader.configFiles(root), null);
        } catch (IOException | RuntimeException e) {
            return new Expansion(List.of(), "unlistable " + root + " " + e.getClass().getSimpleName());
        }
    }

    /** The SHA-256 of one file's bytes, read in small blocks: a huge file costs time, never memory. */
    private static byte[] hashOf(Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[8192];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return digest.digest();
    }

    private static void update(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(0, bytes.length));
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
