package io.inmesh.core.model;

import java.util.List;
import java.util.Map;

/**
 * Conditions of a TLS route.
 *
 * @param sniHosts SNI names
 * @param destinationSubnets destination IPs or subnets
 * @param port destination port
 * @param sourceLabels labels of the caller
 * @param gateways gateways
 * @param sourceNamespace namespace of the caller
 */
public record TlsMatchAttributes(
        List<String> sniHosts,
        List<String> destinationSubnets,
        Integer port,
        Map<String, String> sourceLabels,
        List<String> gateways,
        String sourceNamespace) {
}
