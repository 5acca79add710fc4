package io.inmesh.routing.internal;

import io.inmesh.core.model.TrafficPolicy;

/** Combining traffic policies the way Istio combines a DestinationRule's with a subset's. */
public final class TrafficPolicies {

    private TrafficPolicies() {
    }

    /**
     * The rule's policy with every setting the subset's policy sets put over it, setting by setting
     * (load balancer, connection pool, outlier detection, TLS, port-level settings, tunnel, PROXY
     * protocol, retry budget), as Istio merges a subset's policy into its DestinationRule's.
     */
    public static TrafficPolicy merge(TrafficPolicy rule, TrafficPolicy subset) {
        if (subset == null) {
            return rule;
        }
        if (rule == null) {
            return subset;
        }
        return new TrafficPolicy(
                subset.loadBalancer() != null ? subset.loadBalancer() : rule.loadBalancer(),
                subset.connectionPool() != null ? subset.connectionPool() : rule.connectionPool(),
                subset.outlierDetection() != null ? subset.outlierDetection() : rule.outlierDetection(),
                subset.tls() != null ? subset.tls() : rule.tls(),
                !subset.portLevelSettings().isEmpty() ? subset.portLevelSettings() : rule.portLevelSettings(),
                subset.tunnel() != null ? subset.tunnel() : rule.tunnel(),
                subset.proxyProtocol() != null ? subset.proxyProtocol() : rule.proxyProtocol(),
                subset.retryBudget() != null ? subset.retryBudget() : rule.retryBudget());
    }
}
