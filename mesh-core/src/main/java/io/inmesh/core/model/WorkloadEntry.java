package io.inmesh.core.model;

import java.util.Map;

/**
 * The spec of a WorkloadEntry, also used for a ServiceEntry's endpoints: one workload outside
 * Kubernetes.
 *
 * @param address IP address or host name
 * @param ports endpoint ports by service port name
 * @param labels the workload's labels
 * @param network the network the workload is in
 * @param locality region/zone/subzone
 * @param weight load balancing weight
 * @param serviceAccount the workload's service account
 */
public record WorkloadEntry(
        String address,
        Map<String, Integer> ports,
        Map<String, String> labels,
        String network,
        String locality,
        Integer weight,
        String serviceAccount) {
}
