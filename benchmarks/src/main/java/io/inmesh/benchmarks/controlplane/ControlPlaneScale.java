package io.inmesh.benchmarks.controlplane;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The control-plane scale benchmark: how long a change of one rules file takes until every one of
 * {@code N} connected workloads has acknowledged it, and how much control-plane heap each connected
 * workload costs.
 *
 * <ol>
 *   <li>Writes a rule set ({@link RuleSet}: Istio's Bookinfo rules plus generated team namespaces) to a
 *       temporary directory and starts {@code mesh control-plane} on it in a JVM of its own
 *       ({@link ControlPlaneProcess}).</li>
 *   <li>Measures the control plane's used heap after a full GC, connects {@code N} simulated workloads
 *       ({@link SimulatedWorkloads}: real {@code ControlPlaneConfigSource}s in this JVM, each with its own
 *       stream), waits until {@code /status} shows all of them with an ACK of the published version, and
 *       measures the heap again: the difference divided by {@code N} is the heap per connected workload.</li>
 *   <li>Edits the rules file {@code W + E} times (the first {@code W} warm the JITs and are not counted),
 *       one at a time: from the moment the edit's atomic move returned, it waits until every workload
 *       received the new version and {@code /status} shows all of them ACKed it. The time of each ACK is
 *       the control plane's own: a workload's {@code lastSeen} in {@code /status}, which the report
 *       set (same machine, same clock).</li>
 *   <li>Writes {@code NAME.json} and {@code NAME.md} to the output directory.</li>
 * </ol>
 *
 * <p>Simulated workloads share this JVM and the machine's cores with the control plane; each reads
 * and validates every version it receives, as a mesh does, so on a small machine the last ACK mostly
 * measures that work queued behind a thousand others, which real workloads would do on their own cores.
 */
@Command(name = "control-plane-scale", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measures the time from a rules change until N connected workloads ACKed it, and the control plane's heap per workload.")
public final class ControlPlaneScale implements Callable<Integer> {

    /** Quiets the per-version INFO lines of a thousand sources; kept here so that the setting is not collected. */
    private static final Logger MESH_LOGS = Logger.getLogger("io.inmesh");

    @Spec
    CommandSpec spec;

    @Option(names = "--workloads", paramLabel = "N", defaultValue = "1000", description = "Simulated workloads (default: ${DEFAULT-VALUE}).")
    int workloads;

    @Option(names = "--edits", paramLabel = "E", defaultValue = "20", description = "Measured edits (default: ${DEFAULT-VALUE}).")
    int edits;

    @Option(names = "--warmup-edits", paramLabel = "W", defaultValue = "3",
            description = "Edits before the measured ones, not counted (default: ${DEFAULT-VALUE}).")
    int warmupEdits;

    /** How the simulated workloads talk to the control plane. */
    enum Client {
        /** Real {@code ControlPlaneConfigSource}s, each reading and validating every version before its ACK ({@link SourceWorkloads}). */
        SOURCE("ControlPlaneConfigSource per workload: reads and validates each version, then ACKs"),
        /** The protocol spoken directly, ACK on arrival: the control plane's own cost ({@link ProtocolWorkloads}). */
        PROTOCOL("protocol client per workload: ACKs each version on arrival, without reading it");

        final String description;

        Client(String description) {
            this.description = description;
        }
    }

    @Option(names = "--client", paramLabel = "KIND", defaultValue = "source",
            description = "source: each workload a real ControlPlaneConfigSource, which reads and validates every version before its ACK;"
                    + " protocol: each workload speaks the protocol directly and ACKs on arrival, leaving the control plane's own cost"
                    + " (default: ${DEFAULT-VALUE}).")
    Client client;

    @Option(names = "--team-namespaces", paramLabel = "K", defaultValue = "4",
            description = "Namespaces team-1 … team-K besides Bookinfo's default (default: ${DEFAULT-VALUE}).")
    int teamNamespaces;

    @Option(names = "--service-entries", paramLabel = "S", defaultValue = "20",
            description = "ServiceEntries per team namespace, half of them exported to all (default: ${DEFAULT-VALUE}).")
    int serviceEntries;

    @Option(names = "--poll-ms", paramLabel = "MS", defaultValue = "10", description = "How often /status is read while waiting (default: ${DEFAULT-VALUE}).")
    int pollMillis;

    @Option(names = "--timeout-s", paramLabel = "S", defaultValue = "300",
            description = "The longest wait for all workloads to connect, or for one edit to be ACKed (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--control-plane-jvm-option", paramLabel = "OPT",
            description = "A JVM option of the control plane's JVM, such as -Xmx512m; repeatable.")
    List<String> controlPlaneJvmOptions = new ArrayList<>();

    @Option(names = "--control-plane-classpath", paramLabel = "CP",
            description = "The classpath of the control plane's JVM, holding mesh-cli (default: this JVM's).")
    String controlPlaneClasspath;

    @Option(names = "--output", paramLabel = "DIR", defaultValue = "benchmarks/results",
            description = "Where NAME.json and NAME.md are written (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "control-plane-scale",
            description = "The results' file name without extension (default: ${DEFAULT-VALUE}).")
    String name;

    public static void main(String... args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, with later options overriding earlier ones (so a launcher can set defaults). */
    static CommandLine commandLine() {
        return new CommandLine(new ControlPlaneScale()).setOverwrittenOptionsAllowed(true).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        validateOptions();
        MESH_LOGS.setLevel(Level.WARNING);
        requireFileDescriptors(2L * workloads + 256);

        Path work = Files.createTempDirectory("control-plane-scale");
        RuleSet rules = RuleSet.write(work.resolve("rules"), teamNamespaces, serviceEntries);
        out.printf("rule set: %d resources in %s; control plane log: %s%n", rules.resources(), rules.directory(), work.resolve("control-plane.log"));
        out.flush();
        String classpath = controlPlaneClasspath != null ? controlPlaneClasspath : System.getProperty("java.class.path");
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        int totalEdits = warmupEdits + edits;

        ScaleResult.Builder result = new ScaleResult.Builder();
        try (ControlPlaneProcess controlPlane = ControlPlaneProcess.start(classpath, controlPlaneJvmOptions, rules.directory(),
                work.resolve("control-plane.log"), Duration.ofSeconds(60))) {
            StatusReader statusReader = new StatusReader(controlPlane.uri());
            StatusReader.Status initial = statusReader.read();
            if (initial.version() == 0) {
                throw new IllegalStateException("the control plane published no version of " + rules.directory()
                        + " (the generated rules are invalid; see " + work.resolve("control-plane.log") + ")");
            }
            result.controlPlaneCommand(controlPlane.command());
            out.printf("%s: version %d published%n", controlPlane, initial.version());
            out.flush();

            long idleHeap = controlPlane.usedHeapAfterFullGc();
            long harnessIdleHeap = harnessUsedHeapAfterFullGc();

            Instant connectStart = Instant.now();
            long connectCpu = controlPlane.cpuMillis();
            try (SimulatedWorkloads simulated = client == Client.SOURCE
                    ? SourceWorkloads.connect(controlPlane.uri(), workloads, teamNamespaces, totalEdits)
                    : ProtocolWorkloads.connect(controlPlane.uri(), workloads, teamNamespaces, totalEdits)) {
                long[] version = {initial.version()};
                // Not the measurement: /status of a thousand workloads is read less often, not to load the control plane.
                await(() -> statusReader.read().acked(version[0]) == workloads, timeout, Math.max(pollMillis, 250), "all " + workloads
                        + " workloads connected and ACKed version " + version[0], () -> progress(statusReader, version[0], simulated, 0));
                double connectMillis = millisSince(connectStart, Instant.now());
                long connectCpuMillis = controlPlane.cpuMillis() - connectCpu;
                out.printf("%d workloads connected and ACKed version %d in %.0f ms%n", workloads, version[0], connectMillis);
                out.flush();

                long connectedHeap = controlPlane.usedHeapAfterFullGc();
                long harnessConnectedHeap = harnessUsedHeapAfterFullGc();
                result.connect(connectMillis, connectCpuMillis).heap(idleHeap, connectedHeap, harnessIdleHeap, harnessConnectedHeap, workloads);
                out.printf("control plane heap after full GC: %d KiB idle, %d KiB with %d workloads: %.1f KiB per workload%n",
                        idleHeap / 1024, connectedHeap / 1024, workloads, (connectedHeap - idleHeap) / 1024.0 / workloads);
                out.flush();

                for (int edit = 1; edit <= totalEdits; edit++) {
                    long cpuBefore = controlPlane.cpuMillis();
                    ScaleResult.Edit measured = measureEdit(edit, edit <= warmupEdits, rules, simulated, statusReader, version, timeout,
                            () -> controlPlane.cpuMillis() - cpuBefore);
                    result.edit(measured);
                    out.printf("edit %2d%s: v%d published %.0f ms, received %.0f..%.0f ms, ACKed %.0f..%.0f ms (status saw all at %.0f ms);"
                                    + " control plane CPU %d ms%n",
                            edit, measured.warmup() ? " (warm-up)" : "", measured.version(), measured.publishedMs(), measured.firstReceivedMs(),
                            measured.lastReceivedMs(), measured.firstAckMs(), measured.lastAckMs(), measured.statusSawAllAckedMs(),
                            measured.controlPlaneCpuMs());
                    out.flush();
                    Thread.sleep(200); // lets the reports' connections close before the next edit
                }
                if (simulated.nacks() > 0) {
                    throw new IllegalStateException(simulated.nacks() + " NACKs: the benchmark's rules were refused by workloads");
                }
            }
        }

        ScaleResult finished = result.build(settings(rules));
        Files.createDirectories(output);
        Path json = output.resolve(name + ".json");
        Path markdown = output.resolve(name + ".md");
        finished.writeJson(json);
        Files.writeString(markdown, finished.markdown());
        out.println();
        out.print(finished.summary());
        out.printf("results: %s, %s%n", json, markdown);
        out.flush();
        deleteRecursively(work);
        return 0;
    }

    private ScaleResult.Edit measureEdit(int edit, boolean warmup, RuleSet rules, SimulatedWorkloads simulated, StatusReader statusReader,
                                         long[] version, Duration timeout, LongSupplier controlPlaneCpu)
            throws InterruptedException {
        long previous = version[0];
        Instant written = rules.edit(edit);
        // First the cheap in-process wait (no load on the control plane), then /status every poll period.
        await(() -> simulated.receivedCount(edit) == workloads, timeout, pollMillis, "all workloads received edit " + edit,
                () -> simulated.receivedCount(edit) + " of " + workloads + " received it");
        StatusReader.Status[] last = new StatusReader.Status[1];
        await(() -> {
            StatusReader.Status status = statusReader.read();
            last[0] = status;
            return status.version() > previous && status.acked(status.version()) == workloads;
        }, timeout, pollMillis, "all workloads ACKed edit " + edit, () -> progress(statusReader, previous + 1, simulated, edit));
        Instant sawAll = Instant.now();
        long cpu = controlPlaneCpu.getAsLong();
        StatusReader.Status status = last[0];
        version[0] = status.version();

        List<Double> ackMillis = new ArrayList<>();
        for (StatusReader.Workload workload : status.workloads()) {
            if (workload.acked(status.version())) {
                ackMillis.add(millisSince(written, workload.lastSeen()));
            }
        }
        List<Double> receivedMillis = simulated.receivedMicros(edit).stream()
                .map(micros -> (micros - SimulatedWorkloads.micros(written)) / 1000.0).toList();
        return new ScaleResult.Edit(edit, warmup, status.version(), millisSince(written, status.publishedAt()),
                receivedMillis.stream().min(Comparator.naturalOrder()).orElseThrow(),
                receivedMillis.stream().max(Comparator.naturalOrder()).orElseThrow(),
                ackMillis.stream().min(Comparator.naturalOrder()).orElseThrow(),
                ackMillis.stream().max(Comparator.naturalOrder()).orElseThrow(),
                millisSince(written, sawAll), cpu, receivedMillis, ackMillis);
    }

    private String progress(StatusReader statusReader, long version, SimulatedWorkloads simulated, int edit) {
        try {
            StatusReader.Status status = statusReader.read();
            return "status: version " + status.version() + ", " + status.workloads().size() + " workloads, "
                    + status.acked(version) + " ACKed version " + version + "; " + simulated.receivedCount(edit) + " received edit " + edit
                    + (simulated instanceof ProtocolWorkloads protocol ? "; " + protocol.failures() + " streams or reports failed" : "");
        } catch (RuntimeException e) {
            return "status unreadable: " + e.getMessage();
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout, int pollMillis, String what, Supplier<String> progress)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not " + what + " within " + timeout.toSeconds() + " s: " + progress.get());
            }
            Thread.sleep(pollMillis);
        }
    }

    private ScaleResult.Settings settings(RuleSet rules) {
        return new ScaleResult.Settings(workloads, edits, warmupEdits, teamNamespaces + 1, rules.resources(), pollMillis,
                client.name().toLowerCase(Locale.ROOT), client.description);
    }

    private void validateOptions() {
        requireRange("--workloads", workloads, 1, 100_000);
        requireRange("--edits", edits, 1, 10_000);
        requireRange("--warmup-edits", warmupEdits, 0, 1_000);
        requireRange("--team-namespaces", teamNamespaces, 0, 100);
        requireRange("--service-entries", serviceEntries, 0, 10_000);
        requireRange("--poll-ms", pollMillis, 1, 10_000);
        requireRange("--timeout-s", timeoutSeconds, 1, 86_400);
    }

    private void requireRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + value + " (expected: " + min + " to " + max + ")");
        }
    }

    /** Each workload holds a stream socket and, while reporting, another: fail early rather than midway. */
    private static void requireFileDescriptors(long needed) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
                && unix.getMaxFileDescriptorCount() < needed) {
            throw new IllegalStateException("the open file limit is " + unix.getMaxFileDescriptorCount() + " (expected at least " + needed
                    + " for this many workloads: raise it with 'ulimit -n', as bin/control-plane-scale tries to)");
        }
    }

    private static long harnessUsedHeapAfterFullGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double millisSince(Instant start, Instant end) {
        return (SimulatedWorkloads.micros(end) - SimulatedWorkloads.micros(start)) / 1000.0;
    }

    private static void deleteRecursively(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
