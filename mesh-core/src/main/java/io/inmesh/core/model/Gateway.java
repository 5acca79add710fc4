package io.inmesh.core.model;

import java.util.List;
import java.util.Map;

/**
 * The spec of a Gateway: a load balancer at the edge of the mesh.
 *
 * @param servers the servers it exposes
 * @param selector labels of the gateway workloads
 */
public record Gateway(
        List<Server> servers,
        Map<String, String> selector) {

    /**
     * A port with the hosts served on it.
     *
     * @param port the port
     * @param bind the address to bind
     * @param hosts the hosts, optionally as {@code namespace/host}
     * @param tls TLS settings
     * @param defaultEndpoint where traffic is forwarded
     * @param name the server's name
     */
    public record Server(
            GatewayPort port, String bind, List<String> hosts, ServerTlsSettings tls, String defaultEndpoint, String name) {
    }

    /**
     * A gateway port.
     *
     * @param number the port number
     * @param protocol the protocol
     * @param name the port's name
     * @param targetPort the endpoint port
     */
    public record GatewayPort(Integer number, String protocol, String name, Integer targetPort) {
    }
}
