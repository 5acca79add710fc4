package io.inmesh.routing.internal;

import io.inmesh.routing.ClusterPolicy;

/** TODO(issue 4): being written. */
public final class OutlierDetector {

    OutlierDetector(ClusterPolicy policy, RoutingRuntime runtime) {
    }
}
