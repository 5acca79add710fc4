package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.model.ConsistentHashLb;
import io.inmesh.core.model.LoadBalancerSettings;
import io.inmesh.core.registry.Endpoint;
import io.inmesh.routing.ClusterPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cluster's load balancer, as its DestinationRule's {@code loadBalancer} chooses it (see
 * {@link #of}): it picks one endpoint for each try among the endpoints outlier detection keeps in
 * service, and keeps what it needs across snapshots while the cluster's policy stays the same
 * (per-endpoint first-seen times and request counts, keyed by {@code address:port}).
 *
 * <p>A retry avoids the endpoints its call already tried, as Istio's retry policy asks of Envoy
 * ({@code previous_hosts} with 5 host-selection retries): the balancer picks again up to 5 times;
 * when every pick was tried before, an endpoint in service not tried yet is taken at random (where
 * Envoy would keep the last pick), and only when all were tried does the retry go to one again.
 *
 * <p>What a pick depends on (the host set, the endpoints in service, a hash ring or table) is built
 * when the endpoints or the ejections change and reused until they change again.
 */
public abstract class LoadBalancer {

    /** One pick and the five picks again that Istio's {@code hostSelectionRetryMaxAttempts} allows. */
    static final int HOST_SELECTION_ATTEMPTS = 6;

    /** Envoy's largest ring, {@code maximum_ring_size}'s default. */
    static final long MAXIMUM_RING_SIZE = 8L * 1024 * 1024;
    /** Envoy's default {@code minimum_ring_size}. */
    static final long DEFAULT_MINIMUM_RING_SIZE = 1024;
    /** Envoy's default Maglev table size. */
    static final long DEFAULT_MAGLEV_TABLE_SIZE = 65537;

    /** One pick: the endpoint, and the {@code Set-Cookie} to return when a hash cookie was generated. */
    record Pick(UpstreamHost host, String setCookie) {
    }

    /** Chooses among prepared candidates; {@code hash} is the request's hash or {@code null}, {@code selection} 0 for the first pick. */
    interface Selector {
        UpstreamHost select(Long hash, int selection);
    }

    /** The cluster's endpoints of one registry list, as hosts. */
    private record HostSet(List<Endpoint> source, int servicePort, UpstreamHost[] hosts) {
    }

    /** A selector prepared for the hosts in service out of one host set at one outlier version. */
    private record Prepared(UpstreamHost[] hosts, long outlierVersion, UpstreamHost[] candidates, Selector selector) {
    }

    final RoutingRuntime runtime;
    final OutlierDetector outliers;
    private final Map<String, UpstreamHost.Activity> activity = new ConcurrentHashMap<>();
    private volatile HostSet hostSet;
    private volatile Prepared prepared;

    LoadBalancer(RoutingRuntime runtime, OutlierDetector outliers) {
        this.runtime = runtime;
        this.outliers = outliers;
    }

    /**
     * The balancer {@code policy} asks for: {@code ROUND_ROBIN}, {@code RANDOM}, {@code LEAST_REQUEST}
     * (also for the deprecated {@code LEAST_CONN}, and Istio's default), {@code PASSTHROUGH}, or a
     * consistent hash on a ring ({@code ringHash}, the default) or a Maglev table ({@code maglev}).
     */
    static LoadBalancer of(ClusterPolicy policy, RoutingRuntime runtime, OutlierDetector outliers) {
        LoadBalancerSettings settings = policy.loadBalancer();
        SlowStart slowStart = SlowStart.of(settings);
        if (settings != null && settings.consistentHash() != null) {
            ConsistentHashLb hash = settings.consistentHash();
            HashPolicy hashPolicy = HashPolicy.of(hash);
            if (hash.maglev() != null) {
                long size = hash.maglev().tableSize() == null || hash.maglev().tableSize() <= 0
                        ? DEFAULT_MAGLEV_TABLE_SIZE : hash.maglev().tableSize();
                return new MaglevBalancer(runtime, outliers, hashPolicy, (int) size);
            }
            Long minimum = hash.ringHash() != null && hash.ringHash().minimumRingSize() != null && hash.ringHash().minimumRingSize() > 0
                    ? hash.ringHash().minimumRingSize()
                    : hash.minimumRingSize() != null && hash.minimumRingSize() > 0 ? hash.minimumRingSize() : DEFAULT_MINIMUM_RING_SIZE;
            return new RingHashBalancer(runtime, outliers, hashPolicy, Math.min(minimum, MAXIMUM_RING_SIZE));
        }
        LoadBalancerSettings.SimpleLb simple = settings == null || settings.simple() == null
                || settings.simple() == LoadBalancerSettings.SimpleLb.UNSPECIFIED ? ClusterPolicy.DEFAULT_LOAD_BALANCER : settings.simple();
        return switch (simple) {
            case ROUND_ROBIN -> new RoundRobinBalancer(runtime, outliers, slowStart);
            case RANDOM -> new RandomBalancer(runtime, outliers);
            case PASSTHROUGH -> new PassthroughBalancer(runtime, outliers);
            case LEAST_CONN, LEAST_REQUEST, UNSPECIFIED -> new LeastRequestBalancer(runtime, outliers, slowStart);
        };
    }

    /** Whether requests go to the address the application called instead of an endpoint of the registry ({@code PASSTHROUGH}). */
    boolean passthrough() {
        return false;
    }

    /**
     * Picks the endpoint for one try of {@code request} among {@code endpoints} (the registry's for the
     * cluster, serving {@code servicePort}), leaving out ejected ones and, on a retry, those
     * {@code attempt} says were tried; {@code source} names the calling workload. {@code null} when
     * no endpoint is in service.
     */
    Pick pick(List<Endpoint> endpoints, int servicePort, MeshRequest request, String source, AttemptContext attempt) {
        Prepared ready = prepare(hostSet(endpoints, servicePort));
        if (ready.candidates.length == 0) {
            return null;
        }
        HashPolicy.Hash hash = hash(request, source);
        UpstreamHost host = null;
        for (int selection = 0; selection < HOST_SELECTION_ATTEMPTS; selection++) {
            host = ready.selector.select(hash.value(), selection);
            if (attempt == null || !attempt.avoid(host.key())) {
                return new Pick(host, hash.setCookie());
            }
        }
        // Every pick was tried before. Envoy would send the retry there anyway; the mesh promises that a
        // retry goes elsewhere when an endpoint not tried yet is in service, so it takes one at random.
        List<UpstreamHost> untried = new ArrayList<>();
        for (UpstreamHost candidate : ready.candidates) {
            if (!attempt.avoid(candidate.key())) {
                untried.add(candidate);
            }
        }
        if (!untried.isEmpty()) {
            host = untried.get(untried.size() == 1 ? 0 : runtime.rng().nextInt(untried.size()));
        }
        return new Pick(host, hash.setCookie());
    }

    /** The request's hash; only consistent-hash balancers have one. */
    HashPolicy.Hash hash(MeshRequest request, String source) {
        return HashPolicy.Hash.NONE;
    }

    /** A selector for {@code candidates}, the hosts in service (never empty), made when they change. */
    abstract Selector selector(UpstreamHost[] candidates);

    /** Requests under way to the endpoint {@code key} ({@code address:port}), as least request counts them. */
    int activeRequests(String key) {
        UpstreamHost.Activity found = activity.get(key);
        return found == null ? 0 : found.activeRequests();
    }

    private HostSet hostSet(List<Endpoint> endpoints, int servicePort) {
        HostSet set = hostSet;
        if (set != null && set.source == endpoints && set.servicePort == servicePort) {
            return set;
        }
        synchronized (this) {
            set = hostSet;
            if (set != null && set.servicePort == servicePort && (set.source == endpoints || set.source.equals(endpoints))) {
                // A new snapshot with the same endpoints: keep the hosts, and what was prepared for them.
                set = new HostSet(endpoints, servicePort, set.hosts);
                hostSet = set;
                return set;
            }
            long now = runtime.now();
            Set<String> keys = new HashSet<>();
            List<UpstreamHost> unique = new ArrayList<>(endpoints.size());
            for (Endpoint endpoint : endpoints) {
                int port = endpoint.port(servicePort);
                String key = UpstreamHost.key(endpoint, port);
                if (keys.add(key)) {
                    unique.add(new UpstreamHost(key, endpoint.address(), port, endpoint.weight(),
                            activity.computeIfAbsent(key, k -> new UpstreamHost.Activity(now))));
                }
            }
            UpstreamHost[] hosts = unique.toArray(UpstreamHost[]::new);
            activity.keySet().retainAll(keys);
            outliers.track(keys);
            set = new HostSet(endpoints, servicePort, hosts);
            hostSet = set;
            return set;
        }
    }

    private Prepared prepare(HostSet set) {
        long version = outliers.currentVersion();
        Prepared ready = prepared;
        if (ready != null && ready.hosts == set.hosts && ready.outlierVersion == version) {
            return ready;
        }
        // Built once under the lock, so that concurrent first picks share one selector (one round-robin
        // position, one ring) rather than each making its own.
        synchronized (this) {
            ready = prepared;
            if (ready != null && ready.hosts == set.hosts && ready.outlierVersion == version) {
                return ready;
            }
            UpstreamHost[] candidates = outliers.available(set.hosts);
            ready = new Prepared(set.hosts, version, candidates, candidates.length == 0 ? null : selector(candidates));
            prepared = ready;
            return ready;
        }
    }

    /** Whether every one of {@code hosts} has the same weight. */
    static boolean weightsEqual(UpstreamHost[] hosts) {
        for (UpstreamHost host : hosts) {
            if (host.weight() != hosts[0].weight()) {
                return false;
            }
        }
        return true;
    }

    /** The latest first-seen time of {@code hosts}: while it is within the slow-start window, some host is warming up. */
    static long newestFirstSeen(UpstreamHost[] hosts) {
        long newest = Long.MIN_VALUE;
        for (UpstreamHost host : hosts) {
            long seen = host.activity().firstSeenNanos();
            if (newest == Long.MIN_VALUE || seen - newest > 0) {
                newest = seen;
            }
        }
        return newest;
    }
}
