package io.inmesh.routing.internal;

import io.inmesh.routing.ClusterPolicy;

/** TODO(issue 4): being written. */
public final class RetryLimiter {

    RetryLimiter(ClusterPolicy policy, ClusterLoad load) {
    }
}
