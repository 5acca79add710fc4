package io.inmesh.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * One in-process run of {@code mesh}: its exit status and what it printed, lines split portably.
 *
 * @param exitCode the exit status {@link MeshCommand#execute} returned
 * @param out what was printed to stdout
 * @param err what was printed to stderr
 */
record MeshRun(int exitCode, String out, String err) {

    /** Runs {@code mesh args...} in this JVM. */
    static MeshRun mesh(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exitCode = MeshCommand.execute(outStream, errStream, args);
        }
        return new MeshRun(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<String> outLines() {
        return out.lines().toList();
    }

    List<String> errLines() {
        return err.lines().toList();
    }

    /** A test resource as a file, such as {@code bookinfo/destination-rule-all.yaml}. */
    static String resource(String name) {
        URL url = MeshRun.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalArgumentException("no test resource " + name);
        }
        try {
            return Path.of(url.toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
