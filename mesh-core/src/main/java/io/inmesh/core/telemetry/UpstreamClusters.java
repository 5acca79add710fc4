package io.inmesh.core.telemetry;

import java.util.List;

/**
 * What the mesh knows of its upstream clusters right now, for gauges such as Envoy's circuit-breaker
 * and outlier-ejection statistics. The routing module puts one in every snapshot
 * ({@code snapshot.find(UpstreamClusters.class)}); it reads live state, so each call of
 * {@link #clusters()} answers for that instant.
 */
public interface UpstreamClusters {

    /** Every cluster the mesh has sent to, or routed to, under its current policy. */
    List<Cluster> clusters();

    /**
     * One upstream cluster now. A circuit breaker is <em>open</em> while its resource is at its limit
     * (Envoy's {@code cx_open}, {@code rq_pending_open}, {@code rq_open}, {@code rq_retry_open}): the
     * next request of that kind fails at once with {@code UO}.
     *
     * @param host the destination host
     * @param subset the subset, or {@code null}
     * @param port the service port
     * @param activeRequests requests in flight
     * @param pendingRequests requests waiting for a connection
     * @param activeRetries retries in flight
     * @param ejectedEndpoints endpoints outlier detection has ejected now
     * @param connectionsOpen whether every connection allowed ({@code maxConnections}) is in use
     * @param pendingOpen whether the pending queue ({@code http1MaxPendingRequests}) is full
     * @param requestsOpen whether {@code http2MaxRequests} requests are in flight
     * @param retriesOpen whether the retry budget or {@code maxRetries} is used up
     */
    record Cluster(String host, String subset, int port, int activeRequests, int pendingRequests, int activeRetries,
            int ejectedEndpoints, boolean connectionsOpen, boolean pendingOpen, boolean requestsOpen, boolean retriesOpen) {

        /** Istio's name of the cluster: {@code outbound|9080|v1|reviews.bookinfo.svc.cluster.local}. */
        public String istioName() {
            return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + host;
        }
    }
}
