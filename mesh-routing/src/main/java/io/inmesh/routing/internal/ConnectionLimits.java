package io.inmesh.routing.internal;

import io.inmesh.core.http.ConnectionPolicy;
import io.inmesh.routing.ClusterPolicy;

/** TODO(issue 4): being written. */
public final class ConnectionLimits {

    ConnectionLimits(ClusterPolicy policy, ClusterLoad load) {
    }

    /** How the transport connects to the cluster: connect timeout, idle timeout, requests per connection. */
    public ConnectionPolicy connectionPolicy() {
        return ConnectionPolicy.DEFAULT;
    }
}
