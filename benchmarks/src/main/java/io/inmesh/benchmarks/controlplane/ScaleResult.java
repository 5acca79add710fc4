package io.inmesh.benchmarks.controlplane;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inmesh.benchmarks.Machine;
import io.inmesh.controlplane.ControlPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** What one run of {@link ControlPlaneScale} measured, and how it is written: JSON, Markdown, a console summary. */
final class ScaleResult {

    /** The run's parameters. */
    record Settings(int workloads, int edits, int warmupEdits, int namespaces, int resources, int pollMillis, String client,
                    String clientDescription) {
    }

    /**
     * One edit, all times in milliseconds from the moment the edit's atomic move returned.
     *
     * @param publishedMs when the control plane published the version ({@code publishedAt} of /status)
     * @param firstReceivedMs when the first workload had read and validated it (harness clock)
     * @param lastReceivedMs when the last one had
     * @param firstAckMs when the control plane recorded the first ACK ({@code lastSeen} of /status)
     * @param lastAckMs when it recorded the last one: the edit's "all ACKed" time
     * @param statusSawAllAckedMs when the harness's polling of /status saw all ACKed (an upper bound of {@code lastAckMs})
     * @param controlPlaneCpuMs the processor time the control plane used from the edit until then (its /status answers included)
     * @param receivedMs each workload's receive time
     * @param ackMs each workload's ACK time
     */
    record Edit(int edit, boolean warmup, long version, double publishedMs, double firstReceivedMs, double lastReceivedMs,
                double firstAckMs, double lastAckMs, double statusSawAllAckedMs, long controlPlaneCpuMs, List<Double> receivedMs,
                List<Double> ackMs) {

        /**
         * Whether a heartbeat may have moved some ACK times later: {@code lastSeen} is also set by a
         * heartbeat, written 15 s after a stream's last write. Only in edits that took longer than that; the
         * last ACK is not moved past the moment /status showed all ACKed.
         */
        boolean heartbeatMayHaveMovedAcks() {
            return statusSawAllAckedMs > ControlPlane.DEFAULT_HEARTBEAT.toMillis();
        }
    }

    /** Collects a run's measurements. */
    static final class Builder {
        private final List<Edit> edits = new ArrayList<>();
        private final Instant started = Instant.now();
        private List<String> controlPlaneCommand = List.of();
        private double connectMs;
        private long connectCpuMs;
        private long idleHeap;
        private long connectedHeap;
        private long harnessIdleHeap;
        private long harnessConnectedHeap;
        private int workloads;

        Builder controlPlaneCommand(List<String> command) {
            this.controlPlaneCommand = command;
            return this;
        }

        Builder connect(double millis, long controlPlaneCpuMillis) {
            this.connectMs = millis;
            this.connectCpuMs = controlPlaneCpuMillis;
            return this;
        }

        Builder heap(long idle, long connected, long harnessIdle, long harnessConnected, int workloads) {
            this.idleHeap = idle;
            this.connectedHeap = connected;
            this.harnessIdleHeap = harnessIdle;
            this.harnessConnectedHeap = harnessConnected;
            this.workloads = workloads;
            return this;
        }

        Builder edit(Edit edit) {
            edits.add(edit);
            return this;
        }

        ScaleResult build(Settings settings) {
            return new ScaleResult(this, settings);
        }
    }

    private final Builder run;
    private final Settings settings;
    private final List<Edit> measured;

    private ScaleResult(Builder run, Settings settings) {
        this.run = run;
        this.settings = settings;
        this.measured = run.edits.stream().filter(edit -> !edit.warmup()).toList();
        if (measured.isEmpty()) {
            throw new IllegalStateException("no measured edit");
        }
    }

    /** Across measured edits: the time until the last workload ACKed. */
    Distribution allAcked() {
        return Distribution.of(measured.stream().map(Edit::lastAckMs).toList());
    }

    /** Across measured edits and workloads: each workload's ACK time. */
    Distribution perWorkloadAck() {
        return Distribution.of(measured.stream().flatMap(edit -> edit.ackMs().stream()).toList());
    }

    /** Across measured edits and workloads: when each workload had read and validated the version. */
    Distribution perWorkloadReceived() {
        return Distribution.of(measured.stream().flatMap(edit -> edit.receivedMs().stream()).toList());
    }

    Distribution published() {
        return Distribution.of(measured.stream().map(Edit::publishedMs).toList());
    }

    /** Across measured edits: the control plane's processor time per edit. */
    Distribution controlPlaneCpu() {
        return Distribution.of(measured.stream().map(edit -> (double) edit.controlPlaneCpuMs()).toList());
    }

    double controlPlaneKiBPerWorkload() {
        return (run.connectedHeap - run.idleHeap) / 1024.0 / run.workloads;
    }

    double harnessKiBPerWorkload() {
        return (run.harnessConnectedHeap - run.harnessIdleHeap) / 1024.0 / run.workloads;
    }

    void writeJson(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("benchmark", "control-plane-scale");
        root.put("date", run.started.truncatedTo(ChronoUnit.SECONDS).toString());
        ObjectNode machine = root.putObject("machine");
        Machine.describe().forEach(machine::put);
        machine.put("controlPlaneCommand", String.join(" ", abbreviatedCommand()));
        root.set("settings", mapper.valueToTree(settings));
        root.put("connectAllAckedMs", round(run.connectMs));
        root.put("connectControlPlaneCpuMs", run.connectCpuMs);
        ObjectNode heap = root.putObject("heap");
        heap.put("controlPlaneUsedIdleBytes", run.idleHeap);
        heap.put("controlPlaneUsedConnectedBytes", run.connectedHeap);
        heap.put("controlPlaneKiBPerWorkload", round(controlPlaneKiBPerWorkload()));
        heap.put("harnessUsedIdleBytes", run.harnessIdleHeap);
        heap.put("harnessUsedConnectedBytes", run.harnessConnectedHeap);
        heap.put("harnessKiBPerWorkload", round(harnessKiBPerWorkload()));
        root.set("allAckedMs", distribution(mapper, allAcked()));
        root.set("perWorkloadAckMs", distribution(mapper, perWorkloadAck()));
        root.set("perWorkloadReceivedMs", distribution(mapper, perWorkloadReceived()));
        root.set("publishedMs", distribution(mapper, published()));
        root.set("controlPlaneCpuMsPerEdit", distribution(mapper, controlPlaneCpu()));
        ArrayNode edits = root.putArray("edits");
        for (Edit edit : run.edits) {
            ObjectNode node = edits.addObject();
            node.put("edit", edit.edit());
            node.put("warmup", edit.warmup());
            node.put("version", edit.version());
            node.put("publishedMs", round(edit.publishedMs()));
            node.put("firstReceivedMs", round(edit.firstReceivedMs()));
            node.put("lastReceivedMs", round(edit.lastReceivedMs()));
            node.put("firstAckMs", round(edit.firstAckMs()));
            node.put("lastAckMs", round(edit.lastAckMs()));
            node.put("statusSawAllAckedMs", round(edit.statusSawAllAckedMs()));
            node.put("controlPlaneCpuMs", edit.controlPlaneCpuMs());
            node.put("heartbeatMayHaveMovedAcks", edit.heartbeatMayHaveMovedAcks());
        }
        mapper.writeValue(file.toFile(), root);
    }

    private static ObjectNode distribution(ObjectMapper mapper, Distribution d) {
        ObjectNode node = mapper.createObjectNode();
        node.put("count", d.count());
        node.put("min", round(d.min()));
        node.put("p50", round(d.p50()));
        node.put("p90", round(d.p90()));
        node.put("p99", round(d.p99()));
        node.put("max", round(d.max()));
        return node;
    }

    /** The control plane's command without its (long) classpath. */
    private List<String> abbreviatedCommand() {
        List<String> command = new ArrayList<>(run.controlPlaneCommand);
        int cp = command.indexOf("-cp");
        if (cp >= 0 && cp + 1 < command.size()) {
            command.set(cp + 1, "CLASSPATH");
        }
        int rules = command.indexOf("--rules");
        if (rules >= 0 && rules + 1 < command.size()) {
            command.set(rules + 1, "RULES");
        }
        if (!command.isEmpty()) {
            command.set(0, "java");
        }
        return command;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Control-plane scale\n\n");
        md.append("Written by `ControlPlaneScale` (see `benchmarks/README.md`) on ").append(run.started.truncatedTo(ChronoUnit.SECONDS))
                .append(".\n\n");
        md.append("| machine | |\n|---|---|\n");
        Machine.describe().forEach((key, value) -> md.append("| ").append(key).append(" | ").append(value).append(" |\n"));
        md.append("| control plane | `").append(String.join(" ", abbreviatedCommand())).append("` |\n");
        md.append("\n");
        md.append(String.format(Locale.ROOT, "%d workloads (`--client %s`: %s) in %d namespaces; a rule set of %d resources; %d measured edits"
                        + " after %d warm-up edits; /status read every %d ms while waiting.%n%n", settings.workloads(), settings.client(),
                settings.clientDescription(), settings.namespaces(), settings.resources(), settings.edits(), settings.warmupEdits(), settings.pollMillis()));
        md.append("Times in ms from the edit (an atomic move of the rules file) until:\n\n");
        md.append("| | count | min | p50 | p90 | p99 | max |\n|---|---|---|---|---|---|---|\n");
        row(md, "all workloads ACKed (per edit)", allAcked());
        row(md, "a workload ACKed (per workload and edit)", perWorkloadAck());
        // A protocol client does not read what it receives.
        row(md, "source".equals(settings.client()) ? "a workload received and validated it" : "a workload received it", perWorkloadReceived());
        row(md, "the control plane published it", published());
        md.append("\nThe control plane's processor time per edit, from the edit until /status showed all ACKed (its answers to the"
                + " harness's /status reads included), ms:\n\n| | count | min | p50 | p90 | p99 | max |\n|---|---|---|---|---|---|---|\n");
        row(md, "control plane CPU per edit", controlPlaneCpu());
        md.append(String.format(Locale.ROOT, "%nConnecting all %d workloads until /status showed each ACK: %.0f ms (control plane CPU: %d ms).%n%n",
                run.workloads, run.connectMs, run.connectCpuMs));
        md.append("Heap used after a full GC:\n\n| | idle | with ").append(run.workloads).append(" workloads | per workload |\n|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| control plane (own JVM) | %.1f MiB | %.1f MiB | %.1f KiB |%n", run.idleHeap / 1048576.0,
                run.connectedHeap / 1048576.0, controlPlaneKiBPerWorkload()));
        md.append(String.format(Locale.ROOT, "| simulated workloads (harness JVM) | %.1f MiB | %.1f MiB | %.1f KiB |%n", run.harnessIdleHeap / 1048576.0,
                run.harnessConnectedHeap / 1048576.0, harnessKiBPerWorkload()));
        md.append("\nEach edit (ms; ACK times are the control plane's, from /status `lastSeen`):\n\n");
        md.append("| edit | version | published | first received | last received | first ACK | last ACK | /status saw all | control plane CPU |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Edit edit : run.edits) {
            md.append(String.format(Locale.ROOT, "| %d%s%s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d |%n", edit.edit(),
                    edit.warmup() ? " (warm-up)" : "", edit.heartbeatMayHaveMovedAcks() ? " ‡" : "", edit.version(), edit.publishedMs(), edit.firstReceivedMs(), edit.lastReceivedMs(),
                    edit.firstAckMs(), edit.lastAckMs(), edit.statusSawAllAckedMs(), edit.controlPlaneCpuMs()));
        }
        if (run.edits.stream().anyMatch(Edit::heartbeatMayHaveMovedAcks)) {
            md.append("\n‡ Took longer than the control plane's heartbeat (15 s): a heartbeat also sets `lastSeen`, so some ACK times of"
                    + " this edit may be later than the ACK itself; its last ACK is not moved past \"/status saw all\".\n");
        }
        return md.toString();
    }

    private static void row(StringBuilder md, String what, Distribution d) {
        md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f |%n", what, d.count(), d.min(), d.p50(), d.p90(),
                d.p99(), d.max()));
    }

    /** A few lines for the console. */
    String summary() {
        Function<Distribution, String> fmt = d -> String.format(Locale.ROOT, "p50 %.0f ms, p99 %.0f ms (n=%d)", d.p50(), d.p99(), d.count());
        return "all " + run.workloads + " ACKed:     " + fmt.apply(allAcked()) + "\n"
                + "per-workload ACK:  " + fmt.apply(perWorkloadAck()) + "\n"
                + "per-workload recv: " + fmt.apply(perWorkloadReceived()) + "\n"
                + String.format(Locale.ROOT, "control plane CPU per edit: p50 %.0f ms%n", controlPlaneCpu().p50())
                + String.format(Locale.ROOT, "control plane heap per connected workload: %.1f KiB (harness: %.1f KiB)%n",
                controlPlaneKiBPerWorkload(), harnessKiBPerWorkload());
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
