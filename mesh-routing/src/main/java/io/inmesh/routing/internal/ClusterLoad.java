package io.inmesh.routing.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What is under way towards one cluster, shared by the steps that limit it: requests sent and not
 * yet answered, requests waiting for a connection, and retries in flight. The connection-pool step
 * keeps the first two, the retry step the third; the retry budget reads all of them.
 */
public final class ClusterLoad {

    /** Requests holding a connection (or stream) to the cluster now. */
    public final AtomicInteger activeRequests = new AtomicInteger();

    /** Requests waiting for a connection to the cluster now. */
    public final AtomicInteger pendingRequests = new AtomicInteger();

    /** Retries under way to the cluster now. */
    public final AtomicInteger activeRetries = new AtomicInteger();
}
