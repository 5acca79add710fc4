package io.inmesh.routing.internal;

import io.inmesh.routing.ClusterPolicy;
import java.util.Objects;

/**
 * The state the mesh keeps for one upstream cluster under one policy: request counters,
 * connection-pool limits, the retry budget, outlier ejections and the load balancer's state. It
 * lives in {@link ClusterStates} and outlives snapshots for as long as the cluster's policy stays the
 * same; a changed policy starts a fresh state.
 */
public final class ClusterState {

    private final ClusterPolicy policy;
    private final ClusterLoad load = new ClusterLoad();
    private final ConnectionLimits limits;
    private final RetryLimiter retries;
    private final OutlierDetector outliers;
    private final LoadBalancer balancer;

    ClusterState(ClusterPolicy policy, RoutingRuntime runtime) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.limits = new ConnectionLimits(policy, load);
        this.retries = new RetryLimiter(policy, load);
        this.outliers = new OutlierDetector(policy, runtime);
        this.balancer = LoadBalancer.of(policy, runtime, outliers);
    }

    public ClusterPolicy policy() {
        return policy;
    }

    public ClusterLoad load() {
        return load;
    }

    /** The connection-pool limits: {@code maxConnections}, {@code http1MaxPendingRequests}, {@code http2MaxRequests}. */
    public ConnectionLimits limits() {
        return limits;
    }

    /** The cap on concurrent retries: the retry budget, or {@code maxRetries}. */
    public RetryLimiter retries() {
        return retries;
    }

    /** Outlier detection: which endpoints are ejected, and until when. */
    public OutlierDetector outliers() {
        return outliers;
    }

    /** The load balancer, with its state (round-robin position, ring or table, per-endpoint request counts and first-seen times). */
    public LoadBalancer balancer() {
        return balancer;
    }
}
