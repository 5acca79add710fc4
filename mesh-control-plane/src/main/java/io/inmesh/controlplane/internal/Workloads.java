package io.inmesh.controlplane.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workloads the control plane knows: those connected now and those seen within {@link #FORGET_AFTER},
 * with what was sent to them and what they reported. Called from event loops: every method is short
 * and takes only the lock of one workload (or none). Thread-safe.
 */
public final class Workloads {

    /** A workload neither connected nor seen for this long is left out of status. */
    public static final Duration FORGET_AFTER = Duration.ofHours(1);
    /** Reports kept per workload: the latest few versions, so that a late report does not hide the current one. */
    private static final int REPORTS_KEPT = 4;

    private final Clock clock;
    private final Map<WorkloadId, Entry> entries = new ConcurrentHashMap<>();

    public Workloads(Clock clock) {
        this.clock = clock;
    }

    /** What status shows of one workload. */
    public record View(WorkloadId id, Map<String, String> labels, boolean connected, Long sentVersion, String sentHash,
                       Long reportedVersion, String status, String reason, Instant reportedAt, Instant lastSeen) {
    }

    private static final class Entry {
        Map<String, String> labels = Map.of();
        int connections;
        long sentVersion;
        String sentHash;
        final NavigableMap<Long, Report> reports = new TreeMap<>();
        /** When each kept report arrived, by version. */
        final Map<Long, Instant> reportedAt = new java.util.HashMap<>();
        Instant lastSeen;
    }

    /** A stream for {@code id} opened. */
    public void connected(WorkloadId id, Map<String, String> labels) {
        Entry entry = entries.computeIfAbsent(id, ignored -> new Entry());
        synchronized (entry) {
            entry.labels = Map.copyOf(labels);
            entry.connections++;
            entry.lastSeen = clock.instant();
        }
    }

    /** A stream for {@code id} ended. */
    public void disconnected(WorkloadId id) {
        Entry entry = entries.get(id);
        if (entry != null) {
            synchronized (entry) {
                entry.connections = Math.max(0, entry.connections - 1);
            }
        }
    }

    /** Something was written to the stream of {@code id}: a version when {@code version > 0}, else a comment. */
    public void written(WorkloadId id, long version, String hash) {
        Entry entry = entries.get(id);
        if (entry != null) {
            synchronized (entry) {
                if (version > 0) {
                    entry.sentVersion = version;
                    entry.sentHash = hash;
                }
                entry.lastSeen = clock.instant();
            }
        }
    }

    /** Records a report; the last one per workload and version wins. */
    public void report(Report report) {
        Entry entry = entries.computeIfAbsent(report.workload(), ignored -> new Entry());
        synchronized (entry) {
            Instant now = clock.instant();
            entry.reports.put(report.version(), report);
            entry.reportedAt.put(report.version(), now);
            while (entry.reports.size() > REPORTS_KEPT) {
                entry.reportedAt.remove(entry.reports.pollFirstEntry().getKey());
            }
            entry.lastSeen = now;
        }
    }

    /** The workloads connected now or seen within {@link #FORGET_AFTER}, sorted; forgets the others. */
    public List<View> views() {
        Instant forgetBefore = clock.instant().minus(FORGET_AFTER);
        List<View> views = new ArrayList<>();
        entries.forEach((id, entry) -> {
            synchronized (entry) {
                if (entry.connections == 0 && entry.lastSeen.isBefore(forgetBefore)) {
                    entries.remove(id, entry);
                    return;
                }
                views.add(view(id, entry));
            }
        });
        views.sort((a, b) -> a.id().compareTo(b.id()));
        return views;
    }

    private static View view(WorkloadId id, Entry entry) {
        Report current = entry.reports.get(entry.sentVersion);
        if (current != null && !current.hash().equals(entry.sentHash)) {
            current = null; // a report on another control plane's version of the same number
        }
        Report shown = current != null ? current : entry.reports.isEmpty() ? null : entry.reports.lastEntry().getValue();
        String status = current != null || entry.sentVersion == 0 && shown != null ? shown.status() : "PENDING";
        return new View(id, entry.labels, entry.connections > 0,
                entry.sentVersion == 0 ? null : entry.sentVersion, entry.sentHash,
                shown == null ? null : shown.version(), status,
                shown != null && shown.nack() ? shown.reason() : null,
                shown == null ? null : entry.reportedAt.get(shown.version()), entry.lastSeen);
    }
}
