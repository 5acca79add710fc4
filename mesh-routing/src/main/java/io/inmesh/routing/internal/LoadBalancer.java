package io.inmesh.routing.internal;

import io.inmesh.core.registry.Endpoint;
import io.inmesh.routing.ClusterPolicy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** TODO(issue 4): being written; round robin for now. */
public abstract class LoadBalancer {

    static LoadBalancer of(ClusterPolicy policy, RoutingRuntime runtime) {
        return new LoadBalancer() {
            private final AtomicInteger position = new AtomicInteger();

            @Override
            Endpoint pick(List<Endpoint> endpoints) {
                return endpoints.get(Math.floorMod(position.getAndIncrement(), endpoints.size()));
            }
        };
    }

    abstract Endpoint pick(List<Endpoint> endpoints);
}
