package io.inmesh.routing.internal;

/**
 * Consistent hash on a Maglev table ({@code maglev}, table size a prime, default 65537), built as
 * Envoy builds it: each endpoint walks its own permutation of the table (offset and skip from the
 * xxHash64 of its {@code address:port} with seeds 0 and 1) and takes the next free slot on its turns,
 * an endpoint of half the largest weight taking every other turn. A request goes to slot
 * {@code hash mod size}; a pick made again for a retry flips the hash's high bits first, as Envoy does.
 */
final class MaglevBalancer extends ConsistentHashBalancer {

    private final int tableSize;

    MaglevBalancer(RoutingRuntime runtime, OutlierDetector outliers, HashPolicy hashPolicy, int tableSize) {
        super(runtime, outliers, hashPolicy);
        this.tableSize = tableSize;
    }

    static UpstreamHost[] build(UpstreamHost[] candidates, int tableSize) {
        UpstreamHost[] hosts = byKey(candidates);
        int n = hosts.length;
        long[] offset = new long[n];
        long[] skip = new long[n];
        long[] next = new long[n];
        double[] weight = new double[n];
        double[] target = new double[n];
        double maximum = 0;
        for (int i = 0; i < n; i++) {
            offset[i] = Long.remainderUnsigned(XxHash64.hash(hosts[i].key(), 0), tableSize);
            skip[i] = Long.remainderUnsigned(XxHash64.hash(hosts[i].key(), 1), tableSize - 1) + 1;
            weight[i] = hosts[i].weight();
            maximum = Math.max(maximum, weight[i]);
        }
        UpstreamHost[] table = new UpstreamHost[tableSize];
        int filled = 0;
        for (long iteration = 0; filled < tableSize; iteration++) {
            for (int i = 0; i < n && filled < tableSize; i++) {
                if (iteration * weight[i] < target[i]) {
                    continue;
                }
                target[i] += maximum;
                int slot = (int) ((offset[i] + skip[i] * next[i]) % tableSize);
                while (table[slot] != null) {
                    next[i]++;
                    slot = (int) ((offset[i] + skip[i] * next[i]) % tableSize);
                }
                table[slot] = hosts[i];
                next[i]++;
                filled++;
            }
        }
        return table;
    }

    static UpstreamHost find(UpstreamHost[] table, long hash, int selection) {
        if (selection > 0) {
            hash ^= ~0L - selection + 1;
        }
        return table[(int) Long.remainderUnsigned(hash, table.length)];
    }

    @Override
    Selector selector(UpstreamHost[] candidates) {
        UpstreamHost[] table = build(candidates, tableSize);
        return (hash, selection) -> find(table, hashOrRandom(hash), selection);
    }
}
