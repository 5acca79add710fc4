package io.inmesh.routing.internal;

/**
 * Consistent hash on a ring ({@code ringHash}), built as Envoy builds it: each endpoint gets a number
 * of entries in proportion to its weight, scaled so that the lightest endpoint gets a whole number and
 * the ring has at least {@code minimumRingSize} entries (default 1024, at most 8M); an entry is the
 * xxHash64 of {@code address:port_i}. A request goes to the first entry at or after its hash, wrapping
 * around; a pick made again for a retry moves that many entries further along the ring.
 */
final class RingHashBalancer extends ConsistentHashBalancer {

    private final long minimumRingSize;

    RingHashBalancer(RoutingRuntime runtime, OutlierDetector outliers, HashPolicy hashPolicy, long minimumRingSize) {
        super(runtime, outliers, hashPolicy);
        this.minimumRingSize = minimumRingSize;
    }

    /** The ring: entry hashes in ascending unsigned order, and the host of each. */
    record Ring(long[] hashes, UpstreamHost[] hosts) {

        UpstreamHost find(long hash, int selection) {
            int low = 0;
            int high = hashes.length;
            while (low < high) {
                int middle = (low + high) >>> 1;
                if (Long.compareUnsigned(hashes[middle], hash) < 0) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            int index = low == hashes.length ? 0 : low;
            if (selection > 0) {
                index = (int) ((index + (long) selection) % hashes.length);
            }
            return hosts[index];
        }
    }

    static Ring build(UpstreamHost[] candidates, long minimumRingSize) {
        UpstreamHost[] hosts = byKey(candidates);
        double total = 0;
        for (UpstreamHost host : hosts) {
            total += host.weight();
        }
        double minimumWeight = Double.MAX_VALUE;
        for (UpstreamHost host : hosts) {
            minimumWeight = Math.min(minimumWeight, host.weight() / total);
        }
        double scale = Math.min(Math.ceil(minimumWeight * minimumRingSize) / minimumWeight, (double) MAXIMUM_RING_SIZE);
        int size = (int) Math.ceil(scale);
        long[] entryHashes = new long[size + hosts.length];
        UpstreamHost[] entryHosts = new UpstreamHost[size + hosts.length];
        int count = 0;
        double current = 0;
        double target = 0;
        for (UpstreamHost host : hosts) {
            // Running sums spread fractional shares over the hosts without losing entries.
            target += scale * host.weight() / total;
            for (int i = 0; current < target; i++, current++) {
                entryHashes[count] = XxHash64.hash(host.key() + "_" + i);
                entryHosts[count] = host;
                count++;
            }
        }
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        long[] hashesCopy = entryHashes;
        java.util.Arrays.sort(order, (a, b) -> Long.compareUnsigned(hashesCopy[a], hashesCopy[b]));
        long[] sortedHashes = new long[count];
        UpstreamHost[] sortedHosts = new UpstreamHost[count];
        for (int i = 0; i < count; i++) {
            sortedHashes[i] = entryHashes[order[i]];
            sortedHosts[i] = entryHosts[order[i]];
        }
        return new Ring(sortedHashes, sortedHosts);
    }

    @Override
    Selector selector(UpstreamHost[] candidates) {
        Ring ring = build(candidates, minimumRingSize);
        return (hash, selection) -> ring.find(hashOrRandom(hash), selection);
    }
}
