package io.inmesh.routing.internal;

import io.inmesh.core.model.OutlierDetection;
import io.inmesh.routing.ClusterPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Outlier detection for one cluster, with Envoy's semantics as Istio configures them from
 * {@code outlierDetection}:
 *
 * <ul>
 *   <li>Each endpoint ({@code address:port}) counts consecutive 5xx responses and consecutive gateway
 *       errors (502, 503, 504); a success resets both. When a count reaches its threshold
 *       ({@code consecutive5xxErrors}, default 5, 0 turns it off; {@code consecutiveGatewayErrors}, off
 *       unless set) the endpoint is ejected at once and the count starts over.</li>
 *   <li>Failures of the mesh's own making (connect failure, reset) count as a 503 (a timeout as a
 *       504), unless {@code splitExternalLocalOriginErrors} is set: then they count apart, towards
 *       {@code consecutiveLocalOriginFailures} (default 5), and a response resets that count.</li>
 *   <li>An ejection is refused when the share of ejected endpoints after it would exceed
 *       {@code maxEjectionPercent} (default 10): Envoy 1.27+ no longer ejects one host whatever
 *       the share, so with the default no endpoint of a cluster of fewer than 10 is ever ejected.</li>
 *   <li>An ejected endpoint returns at the first sweep ({@code interval}, default 10 s) after
 *       {@code baseEjectionTime} (default 30 s) times its ejection count, capped at 300 s (or the
 *       base time when larger). The count goes down by one for each sweep the endpoint spends in
 *       service, and its error counts start over when it returns.</li>
 *   <li>When the share of endpoints in service falls below {@code minHealthPercent} (default 0, off)
 *       the cluster is in panic and the balancer uses every endpoint, ejected or not.</li>
 * </ul>
 *
 * <p>The deprecated {@code consecutiveErrors} counts gateway errors only, as Istio maps it. Sweeps
 * happen lazily: when a pick needs the set of endpoints in service, every ejection whose sweep has
 * come ends. Time is the {@link RoutingRuntime}'s clock. Thread-safe; state changes happen under a
 * short lock, never across I/O.
 */
public final class OutlierDetector {

    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    private static final Duration DEFAULT_BASE_EJECTION = Duration.ofSeconds(30);
    private static final Duration DEFAULT_MAX_EJECTION = Duration.ofSeconds(300);

    private final boolean enabled;
    private final RoutingRuntime runtime;
    private final int consecutive5xx;
    private final int consecutiveGateway;
    private final boolean splitLocalOrigin;
    private final int consecutiveLocalOrigin;
    private final long intervalNanos;
    private final long baseEjectionNanos;
    private final long maxEjectionNanos;
    private final int maxEjectionPercent;
    private final int minHealthPercent;
    private final long startNanos;

    private final Map<String, Monitor> monitors = new ConcurrentHashMap<>();
    private volatile long version;
    private volatile long nextReturnNanos = Long.MAX_VALUE;
    private int ejectedCount;

    /** One endpoint's counts and ejection; guarded by the detector's lock. */
    private static final class Monitor {
        int consecutive5xx;
        int consecutiveGateway;
        int consecutiveLocalOrigin;
        boolean ejected;
        long returnsAtNanos;
        int backoff;
        long returnedAtNanos = Long.MIN_VALUE;
    }

    OutlierDetector(ClusterPolicy policy, RoutingRuntime runtime) {
        this.runtime = runtime;
        this.startNanos = runtime.now();
        OutlierDetection od = policy.outlierDetection();
        this.enabled = od != null;
        if (od == null) {
            consecutive5xx = 0;
            consecutiveGateway = 0;
            splitLocalOrigin = false;
            consecutiveLocalOrigin = 0;
            intervalNanos = DEFAULT_INTERVAL.toNanos();
            baseEjectionNanos = DEFAULT_BASE_EJECTION.toNanos();
            maxEjectionNanos = DEFAULT_MAX_EJECTION.toNanos();
            maxEjectionPercent = 10;
            minHealthPercent = 0;
            return;
        }
        boolean legacy = od.consecutiveErrors() != null && od.consecutiveErrors() > 0;
        this.consecutive5xx = od.consecutive5xxErrors() != null ? od.consecutive5xxErrors() : legacy ? 0 : 5;
        this.consecutiveGateway = od.consecutiveGatewayErrors() != null ? od.consecutiveGatewayErrors()
                : legacy ? od.consecutiveErrors() : 0;
        this.splitLocalOrigin = Boolean.TRUE.equals(od.splitExternalLocalOriginErrors());
        this.consecutiveLocalOrigin = od.consecutiveLocalOriginFailures() != null && od.consecutiveLocalOriginFailures() > 0
                ? od.consecutiveLocalOriginFailures() : 5;
        this.intervalNanos = positive(od.interval(), DEFAULT_INTERVAL).toNanos();
        this.baseEjectionNanos = positive(od.baseEjectionTime(), DEFAULT_BASE_EJECTION).toNanos();
        this.maxEjectionNanos = Math.max(DEFAULT_MAX_EJECTION.toNanos(), baseEjectionNanos);
        this.maxEjectionPercent = od.maxEjectionPercent() == null || od.maxEjectionPercent() <= 0 ? 10 : Math.min(100, od.maxEjectionPercent());
        this.minHealthPercent = od.minHealthPercent() == null ? 0 : od.minHealthPercent();
    }

    private static Duration positive(Duration value, Duration fallback) {
        return value == null || value.isZero() || value.isNegative() ? fallback : value;
    }

    /** Whether the cluster's policy has outlier detection. */
    public boolean enabled() {
        return enabled;
    }

    /**
     * Ends the ejections that are due, then tells how the set in service stands: the number changes
     * every time an endpoint is ejected or returns, and stays while the set is the same.
     */
    long currentVersion() {
        if (enabled) {
            sweep(runtime.now());
        }
        return version;
    }

    /** Whether {@code host} ({@code address:port}) is ejected now. */
    public synchronized boolean ejected(String host) {
        if (!enabled) {
            return false;
        }
        sweep(runtime.now());
        Monitor monitor = monitors.get(host);
        return monitor != null && monitor.ejected;
    }

    /** How many endpoints are ejected now. */
    public synchronized int ejectedCount() {
        sweep(runtime.now());
        return ejectedCount;
    }

    /**
     * The cluster's endpoints are now {@code hosts}: endpoints that left are forgotten (their
     * ejections too), new ones start with clean counts. The ejection limit is a share of these.
     */
    synchronized void track(Collection<String> hosts) {
        if (!enabled) {
            return;
        }
        Set<String> current = new HashSet<>(hosts);
        boolean changed = false;
        for (var it = monitors.entrySet().iterator(); it.hasNext();) {
            var entry = it.next();
            if (!current.contains(entry.getKey())) {
                if (entry.getValue().ejected) {
                    ejectedCount--;
                    changed = true;
                }
                it.remove();
            }
        }
        for (String host : current) {
            monitors.computeIfAbsent(host, h -> new Monitor());
        }
        if (changed) {
            version++;
        }
    }

    /**
     * The hosts to balance over: those not ejected; all of them when the share in service is below
     * {@code minHealthPercent} (panic); none when every host is ejected and there is no panic threshold.
     */
    UpstreamHost[] available(UpstreamHost[] hosts) {
        if (!enabled || hosts.length == 0) {
            return hosts;
        }
        sweep(runtime.now());
        List<UpstreamHost> healthy = new ArrayList<>(hosts.length);
        for (UpstreamHost host : hosts) {
            Monitor monitor = monitors.get(host.key());
            if (monitor == null || !monitor.ejected) {
                healthy.add(host);
            }
        }
        if (healthy.size() == hosts.length) {
            return hosts;
        }
        if (100.0 * healthy.size() / hosts.length < minHealthPercent) {
            return hosts;
        }
        return healthy.toArray(UpstreamHost[]::new);
    }

    /** Whether the cluster is in panic now: too few endpoints in service, so the ejected ones are used too. */
    public synchronized boolean panic() {
        if (!enabled || monitors.isEmpty()) {
            return false;
        }
        sweep(runtime.now());
        return 100.0 * (monitors.size() - ejectedCount) / monitors.size() < minHealthPercent;
    }

    /** {@code host} answered with {@code status}. */
    void responded(String host, int status) {
        if (!enabled) {
            return;
        }
        synchronized (this) {
            Monitor monitor = monitors.get(host);
            if (monitor == null) {
                return;
            }
            if (splitLocalOrigin) {
                monitor.consecutiveLocalOrigin = 0;
            }
            countStatus(host, monitor, status);
        }
    }

    /**
     * A try to {@code host} failed on the mesh's side: the connection could not be made or was reset
     * ({@code timeout} false), or no answer came in time ({@code timeout} true).
     */
    void failedLocally(String host, boolean timeout) {
        if (!enabled) {
            return;
        }
        synchronized (this) {
            Monitor monitor = monitors.get(host);
            if (monitor == null) {
                return;
            }
            if (!splitLocalOrigin) {
                countStatus(host, monitor, timeout ? 504 : 503);
            } else if (++monitor.consecutiveLocalOrigin == consecutiveLocalOrigin) {
                monitor.consecutiveLocalOrigin = 0;
                eject(monitor);
            }
        }
    }

    private void countStatus(String host, Monitor monitor, int status) {
        if (status >= 500 && status <= 599) {
            if (status >= 502 && status <= 504) {
                if (++monitor.consecutiveGateway == consecutiveGateway && consecutiveGateway > 0) {
                    monitor.consecutiveGateway = 0;
                    eject(monitor);
                }
            } else {
                monitor.consecutiveGateway = 0;
            }
            if (++monitor.consecutive5xx == consecutive5xx && consecutive5xx > 0) {
                monitor.consecutive5xx = 0;
                eject(monitor);
            }
        } else {
            monitor.consecutive5xx = 0;
            monitor.consecutiveGateway = 0;
        }
    }

    private void eject(Monitor monitor) {
        long now = runtime.now();
        sweep(now);
        if (monitor.ejected) {
            return;
        }
        double ejectedPercent = 100.0 * (ejectedCount + 1) / monitors.size();
        if (ejectedPercent > maxEjectionPercent) {
            return;
        }
        if (monitor.returnedAtNanos != Long.MIN_VALUE) {
            // One step back for each sweep the endpoint has spent in service since it returned.
            long sweeps = (now - monitor.returnedAtNanos) / intervalNanos;
            monitor.backoff = (int) Math.max(0, monitor.backoff - sweeps);
        }
        if ((long) monitor.backoff * baseEjectionNanos < maxEjectionNanos + baseEjectionNanos) {
            monitor.backoff++;
        }
        long duration = Math.min((long) monitor.backoff * baseEjectionNanos, maxEjectionNanos);
        monitor.ejected = true;
        monitor.returnsAtNanos = nextSweep(now + duration);
        ejectedCount++;
        nextReturnNanos = Math.min(nextReturnNanos, monitor.returnsAtNanos);
        version++;
    }

    /** The first sweep at or after {@code nanos}; sweeps run every interval from the detector's start. */
    private long nextSweep(long nanos) {
        long sinceStart = nanos - startNanos;
        long sweeps = Math.floorDiv(sinceStart + intervalNanos - 1, intervalNanos);
        return startNanos + sweeps * intervalNanos;
    }

    /** Ends every ejection whose sweep has come by {@code now}. */
    private void sweep(long now) {
        if (now - nextReturnNanos < 0) {
            return;
        }
        synchronized (this) {
            if (now - nextReturnNanos < 0) {
                return;
            }
            long next = Long.MAX_VALUE;
            for (Monitor monitor : monitors.values()) {
                if (!monitor.ejected) {
                    continue;
                }
                if (now - monitor.returnsAtNanos >= 0) {
                    monitor.ejected = false;
                    monitor.returnedAtNanos = monitor.returnsAtNanos;
                    monitor.consecutive5xx = 0;
                    monitor.consecutiveGateway = 0;
                    monitor.consecutiveLocalOrigin = 0;
                    ejectedCount--;
                    version++;
                } else {
                    next = Math.min(next, monitor.returnsAtNanos);
                }
            }
            nextReturnNanos = next;
        }
    }
}
