package io.inmesh.core.model;

import java.util.List;
import java.util.Map;

/**
 * Conditions of a TCP route.
 *
 * @param destinationSubnets destination IPs or subnets
 * @param port destination port
 * @param sourceSubnet deprecated source subnet
 * @param sourceLabels labels of the caller
 * @param gateways gateways
 * @param sourceNamespace namespace of the caller
 */
public record L4MatchAttributes(
        List<String> destinationSubnets,
        Integer port,
        String sourceSubnet,
        Map<String, String> sourceLabels,
        List<String> gateways,
        String sourceNamespace) {
}
