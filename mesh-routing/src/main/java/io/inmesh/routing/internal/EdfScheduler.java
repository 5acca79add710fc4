package io.inmesh.routing.internal;

import java.util.PriorityQueue;
import java.util.function.ToDoubleFunction;

/**
 * Earliest deadline first over weighted hosts, as Envoy's weighted round robin and weighted least
 * request use it: each host is due {@code 1 / weight} after its last turn; the host due first is
 * picked and queued again with its weight as it is then (so weights that change, under slow start or
 * with active requests, take effect at the host's next turn). Ties go to the host queued first.
 * Thread-safe; a pick is a few heap operations under a lock, never a wait on I/O.
 */
final class EdfScheduler {

    private record Entry(double deadline, long order, UpstreamHost host) {
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> a.deadline != b.deadline
            ? Double.compare(a.deadline, b.deadline) : Long.compare(a.order, b.order));
    private final ToDoubleFunction<UpstreamHost> weight;
    private double now;
    private long order;

    EdfScheduler(UpstreamHost[] hosts, ToDoubleFunction<UpstreamHost> weight) {
        this.weight = weight;
        for (UpstreamHost host : hosts) {
            add(host);
        }
    }

    synchronized UpstreamHost pick() {
        Entry next = queue.poll();
        now = next.deadline;
        add(next.host);
        return next.host;
    }

    private void add(UpstreamHost host) {
        double w = Math.max(weight.applyAsDouble(host), 1e-9);
        queue.add(new Entry(now + 1.0 / w, order++, host));
    }
}
