package io.inmesh.benchmarks.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code mesh control-plane} in a JVM of its own, so that its heap is measured apart from the
 * simulated workloads': started with the given classpath (one holding mesh-cli) as
 * {@code java -XX:+UseG1GC [options] -cp CLASSPATH io.inmesh.cli.MeshCommand control-plane --rules DIR --port 0},
 * its output going to a log file, from which the URL it prints is read.
 */
final class ControlPlaneProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("^control plane: (http://\\S+) serving ", Pattern.MULTILINE);
    /** G1's line of {@code jcmd PID GC.heap_info}: {@code garbage-first heap   total 262144K, used 12345K [...}. */
    private static final Pattern G1_USED = Pattern.compile("garbage-first heap\\s+total \\d+K, used (\\d+)K");

    private final Process process;
    private final Thread stopOnExit;
    private final Path log;
    private final URI uri;
    private final List<String> command;

    private ControlPlaneProcess(Process process, Path log, URI uri, List<String> command) {
        this.process = process;
        // A harness stopped by Ctrl-C or kill must not leave the control plane running.
        this.stopOnExit = new Thread(process::destroyForcibly, "control-plane-scale-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        this.log = log;
        this.uri = uri;
        this.command = command;
    }

    /**
     * Starts the control plane over {@code rules} and waits until it listens.
     *
     * @param classpath a classpath holding mesh-cli and its dependencies
     * @param jvmOptions further JVM options, such as {@code -Xmx512m}
     * @param log where its standard output and error go
     * @throws IllegalStateException when it exits or prints no URL within {@code timeout} (the log's tail says why)
     */
    static ControlPlaneProcess start(String classpath, List<String> jvmOptions, Path rules, Path log, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(javaTool("java").toString());
        // G1, whatever the machine: the heap measurement reads G1's line of GC.heap_info.
        command.add("-XX:+UseG1GC");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, "io.inmesh.cli.MeshCommand", "control-plane", "--rules", rules.toString(),
                "--port", "0"));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the control plane: " + String.join(" ", command), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Matcher matcher = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (matcher.find()) {
                    return new ControlPlaneProcess(process, log, URI.create(matcher.group(1)), List.copyOf(command));
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("the control plane exited with status " + process.exitValue()
                            + " before listening; its output (" + log + "):\n" + tail(log));
                }
                Thread.sleep(50);
            }
            process.destroyForcibly();
            throw new IllegalStateException("the control plane printed no 'control plane: URL' line within " + timeout.toSeconds()
                    + " s; its output (" + log + "):\n" + tail(log));
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException("cannot read " + log, e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the control plane started", e);
        }
    }

    /** Its URL, such as {@code http://127.0.0.1:40123}. */
    URI uri() {
        return uri;
    }

    long pid() {
        return process.pid();
    }

    /** The processor time it used so far (all its threads, user and system), in milliseconds. */
    long cpuMillis() {
        return process.toHandle().info().totalCpuDuration().map(Duration::toMillis)
                .orElseThrow(() -> new IllegalStateException("the processor time of process " + pid() + " is not available on this system"));
    }

    /** The command line it was started with. */
    List<String> command() {
        return command;
    }

    /**
     * The heap it uses after a full collection, in bytes: {@code jcmd PID GC.run} (twice: objects
     * with finalizers or cleaners need a second one to go) then {@code jcmd PID GC.heap_info}.
     */
    long usedHeapAfterFullGc() {
        jcmd("GC.run");
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher matcher = G1_USED.matcher(info);
        if (!matcher.find()) {
            throw new IllegalStateException("jcmd " + pid() + " GC.heap_info printed no 'garbage-first heap ... used NK' line:\n" + info);
        }
        return Long.parseLong(matcher.group(1)) * 1024;
    }

    private String jcmd(String command) {
        Path jcmd = javaTool("jcmd");
        if (!Files.isExecutable(jcmd)) {
            throw new IllegalStateException(jcmd + " not found (expected: a JDK, not a JRE, to measure the control plane's heap)");
        }
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid() + " " + command + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running jcmd " + command, e);
        }
    }

    /** Stops it (SIGTERM, so that it closes its streams), forcibly after 10 s. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The JDK tool {@code name} of the running JVM's installation. */
    private static Path javaTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return "control plane " + uri + " (pid " + pid() + ", log " + log + ")";
    }
}
