package io.inmesh.benchmarks.controlplane;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.config.SourceDocument;
import io.inmesh.core.source.ControlPlaneConfigSource;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import reactor.core.Disposable;

/**
 * {@code n} workloads in this JVM, each a real {@link ControlPlaneConfigSource} with its own stream to
 * the control plane, each acknowledging what it receives as a mesh would: an ACK for valid rules, a
 * NACK with the errors otherwise ({@link ControlPlaneConfigSource#outcome}). They stand for the
 * workloads of a cluster: Bookinfo's services in {@code default} and services of the team namespaces,
 * each with {@code app} and {@code version} labels, and a distinct instance.
 *
 * <p>Each one notes when it received each edit of {@link RuleSet} (after reading and validating it,
 * before reporting), which is the benchmark's delivery time.
 */
final class SimulatedWorkloads implements AutoCloseable {

    private static final List<String> BOOKINFO = List.of("productpage-v1", "details-v1", "reviews-v1", "reviews-v2", "reviews-v3",
            "ratings-v1");

    private final List<ControlPlaneConfigSource> sources = new ArrayList<>();
    private final List<Disposable> subscriptions = new ArrayList<>();
    /** Per edit, per workload: the epoch microsecond it received that edit, 0 until then. */
    private final AtomicLongArray[] received;
    private final AtomicInteger nacks = new AtomicInteger();
    private final int count;

    private SimulatedWorkloads(int count, int edits) {
        this.count = count;
        this.received = new AtomicLongArray[edits + 1];
        for (int edit = 0; edit <= edits; edit++) {
            received[edit] = new AtomicLongArray(count);
        }
    }

    /**
     * Connects {@code count} workloads to {@code controlPlane}, spread round-robin over {@code default}
     * and {@code teamNamespaces} team namespaces; returns at once (they connect in the background).
     *
     * @param edits the highest edit number whose receipt is recorded
     */
    static SimulatedWorkloads connect(URI controlPlane, int count, int teamNamespaces, int edits) {
        SimulatedWorkloads workloads = new SimulatedWorkloads(count, edits);
        for (int i = 0; i < count; i++) {
            workloads.add(i, controlPlane, workload(i, teamNamespaces));
        }
        return workloads;
    }

    /** Workload {@code i}: {@code default/<bookinfo service>} or {@code team-k/svc-j-vN}. */
    static LocalWorkload workload(int i, int teamNamespaces) {
        int namespace = i % (teamNamespaces + 1);
        int slot = i / (teamNamespaces + 1);
        if (namespace == 0) {
            String name = BOOKINFO.get(slot % BOOKINFO.size());
            int dash = name.lastIndexOf('-');
            return LocalWorkload.of(name, "default", Map.of("app", name.substring(0, dash), "version", name.substring(dash + 1)));
        }
        String app = "svc-" + slot % 50;
        String version = "v" + (1 + slot % 2);
        return LocalWorkload.of(app + "-" + version, RuleSet.namespace(namespace), Map.of("app", app, "version", version));
    }

    private void add(int index, URI controlPlane, LocalWorkload workload) {
        ControlPlaneConfigSource source = ControlPlaneConfigSource.connect(List.of(controlPlane), workload,
                ControlPlaneConfigSource.Options.defaults().instance("sim-" + index));
        sources.add(source);
        // Delivered on boundedElastic, one at a time per source, as a mesh receives them.
        subscriptions.add(source.updates().subscribe(result -> {
            long now = micros(Instant.now());
            editOf(result).ifPresent(edit -> {
                if (edit < received.length) {
                    received[edit].compareAndSet(index, 0, now);
                }
            });
            List<Diagnostic> diagnostics = result.diagnostics();
            if (!result.isValid()) {
                nacks.incrementAndGet();
            }
            source.outcome(result, result.isValid(), diagnostics);
        }));
    }

    private static OptionalInt editOf(MeshConfig.LoadResult result) {
        if (!result.isValid()) {
            return OptionalInt.empty();
        }
        for (SourceDocument document : result.config().sourceDocuments().orElse(List.of())) {
            if (document.name().equals(RuleSet.EDITED_FILE)) {
                return RuleSet.editOf(document.text());
            }
        }
        return OptionalInt.empty();
    }

    int count() {
        return count;
    }

    /** How many of them received {@code edit} so far. */
    int receivedCount(int edit) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (received[edit].get(i) != 0) {
                n++;
            }
        }
        return n;
    }

    /** When each workload that received {@code edit} received it, in epoch microseconds. */
    List<Long> receivedMicros(int edit) {
        List<Long> times = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long t = received[edit].get(i);
            if (t != 0) {
                times.add(t);
            }
        }
        return times;
    }

    /** How many emissions were refused (NACKed) so far: 0 unless the rule set is broken. */
    int nacks() {
        return nacks.get();
    }

    @Override
    public void close() {
        subscriptions.forEach(Disposable::dispose);
        sources.forEach(ControlPlaneConfigSource::close);
    }

    static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }
}
