package io.inmesh.routing.internal;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.inmesh.core.http.ConnectionPolicy;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.model.ConnectionPoolSettings;
import io.inmesh.routing.ClusterPolicy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The circuit-breaking limits of one upstream cluster, from its DestinationRule's
 * {@code trafficPolicy.connectionPool}, enforced the way Envoy's cluster circuit breakers are:
 *
 * <ul>
 *   <li>{@code tcp.maxConnections} (Envoy {@code max_connections}): with HTTP/1.1 a connection carries
 *       one request at a time, so at most this many requests are in flight;</li>
 *   <li>{@code http.http1MaxPendingRequests} ({@code max_pending_requests}): requests that find every
 *       connection busy wait in a FIFO queue of this size, without blocking a thread; a request that
 *       finds the queue full fails at once with {@link MeshException.UpstreamOverflow} (503, {@code UO});</li>
 *   <li>{@code http.http2MaxRequests} ({@code max_requests}): at most this many requests in flight,
 *       checked when a request gets its connection; beyond it the request fails at once (503,
 *       {@code UO}). A resilience4j semaphore {@link Bulkhead} without waiting enforces it.</li>
 * </ul>
 *
 * <p>A field that is absent or 0 means Envoy's default as Istio sets it, 2<sup>32</sup>-1: no limit.
 * The limits keep {@link ClusterLoad#activeRequests} and {@link ClusterLoad#pendingRequests} exact, so
 * that the retry budget can read them.
 *
 * <p>Mapping to resilience4j: only the {@code Bulkhead} fits. Its waiting mode parks the calling
 * thread, which an event loop must never do, so the pending queue is this class's own non-blocking
 * FIFO. resilience4j's {@code CircuitBreaker} (open / half-open states) is not used: no Istio field
 * configures such a breaker; Istio's per-host protection is outlier detection ({@link OutlierDetector}).
 *
 * <p>Deliberate difference: the mesh's protocol (HTTP/1.1 or h2c) is chosen per mesh, not per cluster,
 * and these limits read {@code maxConnections} the HTTP/1.1 way under both. Over HTTP/2 Envoy would
 * multiplex many requests on one connection, so there {@code maxConnections} bounds requests more
 * tightly here than in Envoy; {@code http2MaxRequests} is the limit that means the same under both.
 */
public final class ConnectionLimits {

    /** Istio's default for every limit: 2^32-1, more than an int can count, so no limit. */
    static final int UNLIMITED = Integer.MAX_VALUE;

    /** Istio's connect timeout when the rule sets none. */
    static final Duration DEFAULT_CONNECT_TIMEOUT = ConnectionPolicy.DEFAULT.connectTimeout();

    /** Istio's idle timeout when the rule sets none. */
    static final Duration DEFAULT_IDLE_TIMEOUT = ConnectionPolicy.DEFAULT.idleTimeout();

    /** What an idle timeout of 0 ("never close idle connections", as Envoy reads 0) becomes: a century. */
    static final Duration NO_IDLE_TIMEOUT = Duration.ofDays(36_500);

    private final String cluster;
    private final ClusterLoad load;
    private final int maxConnections;
    private final int maxPendingRequests;
    private final int maxRequests;
    private final Bulkhead requests;
    private final ConnectionPolicy connectionPolicy;

    // Guarded by "this": connection slots in use and the requests waiting for one, oldest first.
    private int connectionsInUse;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

    ConnectionLimits(ClusterPolicy policy, ClusterLoad load) {
        this.cluster = policy.cluster();
        this.load = Objects.requireNonNull(load, "load");
        ConnectionPoolSettings pool = policy.connectionPool();
        ConnectionPoolSettings.TcpSettings tcp = pool == null ? null : pool.tcp();
        ConnectionPoolSettings.HttpSettings http = pool == null ? null : pool.http();
        this.maxConnections = limit(tcp == null ? null : tcp.maxConnections());
        this.maxPendingRequests = limit(http == null ? null : http.http1MaxPendingRequests());
        this.maxRequests = limit(http == null ? null : http.http2MaxRequests());
        this.requests = maxRequests == UNLIMITED ? null : Bulkhead.of(cluster, BulkheadConfig.custom()
                .maxConcurrentCalls(maxRequests)
                .maxWaitDuration(Duration.ZERO)
                .writableStackTraceEnabled(false)
                .build());
        this.connectionPolicy = connectionPolicy(tcp, http);
    }

    private static int limit(Integer value) {
        // Istio copies a limit into Envoy's thresholds only when it is > 0; 0 keeps the default.
        return value == null || value <= 0 ? UNLIMITED : value;
    }

    private static ConnectionPolicy connectionPolicy(ConnectionPoolSettings.TcpSettings tcp, ConnectionPoolSettings.HttpSettings http) {
        Duration connectTimeout = tcp == null || tcp.connectTimeout() == null || !isPositive(tcp.connectTimeout())
                ? DEFAULT_CONNECT_TIMEOUT : tcp.connectTimeout();
        // http.idleTimeout is the HTTP connection pool's; tcp.idleTimeout applies when it is absent.
        Duration idle = http != null && http.idleTimeout() != null ? http.idleTimeout()
                : tcp != null && tcp.idleTimeout() != null ? tcp.idleTimeout() : DEFAULT_IDLE_TIMEOUT;
        Duration idleTimeout = isPositive(idle) ? idle : NO_IDLE_TIMEOUT;
        int perConnection = http == null || http.maxRequestsPerConnection() == null ? 0 : Math.max(0, http.maxRequestsPerConnection());
        return new ConnectionPolicy(connectTimeout, idleTimeout, perConnection);
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    /** How the transport connects to the cluster: connect timeout, idle timeout, requests per connection. */
    public ConnectionPolicy connectionPolicy() {
        return connectionPolicy;
    }

    /** {@code tcp.maxConnections}, or {@link Integer#MAX_VALUE} for no limit. */
    public int maxConnections() {
        return maxConnections;
    }

    /** {@code http.http1MaxPendingRequests}, or {@link Integer#MAX_VALUE} for no limit. */
    public int maxPendingRequests() {
        return maxPendingRequests;
    }

    /** {@code http.http2MaxRequests}, or {@link Integer#MAX_VALUE} for no limit. */
    public int maxRequests() {
        return maxRequests;
    }

    /**
     * A permit to send one request to the cluster: granted at once when a connection is free, after a
     * wait in the FIFO queue when every connection is busy and the queue has room, or refused with
     * {@link MeshException.UpstreamOverflow} at once when a limit is full. Cancelling while waiting
     * leaves the queue. The subscriber owns an emitted permit and must {@linkplain Permit#release()
     * release} it when the request ends. Nothing blocks.
     */
    public Mono<Permit> acquire() {
        return Mono.<Permit>create(sink -> {
            Waiter waiter = new Waiter(sink);
            sink.onCancel(() -> cancel(waiter));
            boolean connection = false;
            boolean queued = false;
            synchronized (this) {
                if (connectionsInUse < maxConnections && waiters.isEmpty()) {
                    connectionsInUse++;
                    connection = true;
                } else if (waiters.size() < maxPendingRequests) {
                    waiters.addLast(waiter);
                    load.pendingRequests.incrementAndGet();
                    queued = true;
                }
                waiter.queued = queued;
            }
            if (connection) {
                waiter.complete(attach());
            } else if (!queued) {
                waiter.complete(new MeshException.UpstreamOverflow("upstream overflow: " + cluster + " has all " + maxConnections
                        + " connections busy (tcp.maxConnections) and " + maxPendingRequests
                        + " requests waiting (http.http1MaxPendingRequests)"));
            }
        }).filter(Permit::claim); // a permit the cancel path claimed first was released there
    }

    /**
     * A request got its connection: take a request slot (Envoy checks {@code max_requests} here), or give
     * the connection back and fail.
     */
    private Object attach() {
        if (requests != null && !requests.tryAcquirePermission()) {
            releaseConnection();
            return new MeshException.UpstreamOverflow("upstream overflow: " + cluster + " has " + maxRequests
                    + " requests in flight (http.http2MaxRequests)");
        }
        load.activeRequests.incrementAndGet();
        return new Permit();
    }

    private void releaseConnection() {
        Waiter next;
        synchronized (this) {
            next = waiters.pollFirst();
            if (next == null) {
                connectionsInUse--;
                return;
            }
            // The connection passes straight to the oldest waiter: connectionsInUse stays as it is.
            load.pendingRequests.decrementAndGet();
            next.queued = false;
        }
        next.complete(attach());
    }

    private void cancel(Waiter waiter) {
        synchronized (this) {
            if (waiter.queued) {
                waiter.queued = false;
                waiters.remove(waiter);
                load.pendingRequests.decrementAndGet();
            }
        }
        waiter.cancel();
    }

    /** Connection slots in use now (requests sent, or about to be), for tests. */
    synchronized int connectionsInUse() {
        return connectionsInUse;
    }

    /** The right to have one request in flight; {@link #release()} gives it back, once, however often it is called. */
    public final class Permit {

        private final AtomicBoolean claimed = new AtomicBoolean();
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit() {
        }

        /** Ends the request: frees its request slot and its connection (for the oldest waiter, if any). Idempotent. */
        public void release() {
            if (released.compareAndSet(false, true)) {
                load.activeRequests.decrementAndGet();
                if (requests != null) {
                    requests.onComplete();
                }
                releaseConnection();
            }
        }

        /** Takes ownership: true for the first caller only (the subscriber, or the cancel path if it came first). */
        boolean claim() {
            return claimed.compareAndSet(false, true);
        }

        /** Whether {@link #release()} has run. */
        public boolean released() {
            return released.get();
        }
    }

    /**
     * One call to {@link #acquire()}: waiting in the queue, or holding its outcome until the subscriber
     * claims it. A permit handed over while the subscriber cancels is claimed and released by whichever
     * side comes second, so it is never lost and never released while in use.
     */
    private static final class Waiter {

        private static final Object CANCELLED = new Object();

        private final MonoSink<Permit> sink;
        private final AtomicReference<Object> outcome = new AtomicReference<>();
        // Guarded by the limits' lock: whether the waiter is in the queue.
        private boolean queued;

        Waiter(MonoSink<Permit> sink) {
            this.sink = sink;
        }

        void complete(Object result) {
            if (!outcome.compareAndSet(null, result)) {
                releaseUnclaimed(result); // cancelled first
            } else if (result instanceof Permit permit) {
                sink.success(permit);
            } else {
                sink.error((Throwable) result);
            }
        }

        void cancel() {
            releaseUnclaimed(outcome.getAndSet(CANCELLED));
        }

        private static void releaseUnclaimed(Object result) {
            if (result instanceof Permit permit && permit.claim()) {
                permit.release();
            }
        }
    }
}
