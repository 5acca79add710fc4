package io.inmesh.core.model;

import java.util.List;
import java.util.Map;

/**
 * Locality-weighted load balancing and failover.
 *
 * @param distribute traffic shares between localities
 * @param failover failover between regions
 * @param failoverPriority labels that order failover
 * @param enabled whether locality load balancing is on
 */
public record LocalityLoadBalancerSetting(
        List<Distribute> distribute,
        List<Failover> failover,
        List<String> failoverPriority,
        Boolean enabled) {

    /**
     * How traffic from one locality is spread over others.
     *
     * @param from the originating locality
     * @param to weights by target locality
     */
    public record Distribute(String from, Map<String, Integer> to) {
    }

    /**
     * Where traffic fails over when a region has no healthy endpoint.
     *
     * @param from the region
     * @param to the region to fail over to
     */
    public record Failover(String from, String to) {
    }
}
