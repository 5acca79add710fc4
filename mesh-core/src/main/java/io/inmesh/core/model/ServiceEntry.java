package io.inmesh.core.model;

import java.util.List;

/**
 * The spec of a ServiceEntry: adds a service, and optionally its endpoints, to the mesh's
 * registry.
 *
 * @param hosts the service's host names
 * @param addresses virtual IPs or CIDRs
 * @param ports the service's ports
 * @param location inside or outside the mesh
 * @param resolution how endpoints are found
 * @param endpoints static endpoints
 * @param workloadSelector selects WorkloadEntries as endpoints
 * @param exportTo namespaces the service is visible to
 * @param subjectAltNames accepted server identities
 */
public record ServiceEntry(
        List<String> hosts,
        List<String> addresses,
        List<ServicePort> ports,
        Location location,
        Resolution resolution,
        List<WorkloadEntry> endpoints,
        WorkloadSelector workloadSelector,
        List<String> exportTo,
        List<String> subjectAltNames) {

    /** Whether the service is part of the mesh. */
    public enum Location {
        MESH_EXTERNAL,
        MESH_INTERNAL
    }

    /** How a ServiceEntry's endpoints are found. */
    public enum Resolution {
        NONE,
        STATIC,
        DNS,
        DNS_ROUND_ROBIN
    }
}
