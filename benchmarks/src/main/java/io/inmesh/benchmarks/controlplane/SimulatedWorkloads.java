package io.inmesh.benchmarks.controlplane;

import io.inmesh.core.LocalWorkload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code n} workloads in this JVM, each with its own rules stream to the control plane, each
 * acknowledging what it receives. They stand for the workloads of a cluster: Bookinfo's services in
 * {@code default} and services of the team namespaces, each with {@code app} and {@code version} labels
 * and a distinct instance ({@code sim-<i>}). Each notes when it received each edit of {@link RuleSet}.
 */
abstract class SimulatedWorkloads implements AutoCloseable {

    private static final List<String> BOOKINFO = List.of("productpage-v1", "details-v1", "reviews-v1", "reviews-v2", "reviews-v3",
            "ratings-v1");

    /** Per edit, per workload: the epoch microsecond it received that edit, 0 until then. */
    private final AtomicLongArray[] received;
    private final AtomicInteger nacks = new AtomicInteger();
    private final int count;

    SimulatedWorkloads(int count, int edits) {
        this.count = count;
        this.received = new AtomicLongArray[edits + 1];
        for (int edit = 0; edit <= edits; edit++) {
            received[edit] = new AtomicLongArray(count);
        }
    }

    /** Workload {@code i}: {@code default/<bookinfo service>} or {@code team-k/svc-j-vN}, round-robin over the namespaces. */
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

    /** The instance name of workload {@code i}. */
    static String instance(int i) {
        return "sim-" + i;
    }

    /** Notes that workload {@code index} received {@code edit} now (the first time only). */
    final void received(int index, int edit) {
        long now = micros(Instant.now());
        if (edit >= 0 && edit < received.length) {
            received[edit].compareAndSet(index, 0, now);
        }
    }

    final void nacked() {
        nacks.incrementAndGet();
    }

    final int count() {
        return count;
    }

    /** How many of them received {@code edit} so far. */
    final int receivedCount(int edit) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (received[edit].get(i) != 0) {
                n++;
            }
        }
        return n;
    }

    /** When each workload that received {@code edit} received it, in epoch microseconds. */
    final List<Long> receivedMicros(int edit) {
        List<Long> times = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long t = received[edit].get(i);
            if (t != 0) {
                times.add(t);
            }
        }
        return times;
    }

    /** How many versions were refused (NACKed) so far: 0 unless the rule set is broken. */
    final int nacks() {
        return nacks.get();
    }

    /** Closes every stream. */
    @Override
    public abstract void close();

    static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }
}
