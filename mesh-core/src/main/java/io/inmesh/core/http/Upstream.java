package io.inmesh.core.http;

import java.util.Objects;

/**
 * Where the client stack's last step sends a request: the endpoint's address and port, and the
 * cluster it belongs to, for messages and connection pooling.
 *
 * @param address an IP address or a DNS name, resolved without blocking when connecting
 * @param port the endpoint's port
 * @param cluster the destination as {@code host|subset|port}, for messages
 * @param connection how connections to the cluster are made and kept
 */
public record Upstream(String address, int port, String cluster, ConnectionPolicy connection) {

    /** The attribute the endpoint step sets and the wire step reads. */
    public static final AttributeKey<Upstream> KEY = AttributeKey.of("upstream", Upstream.class);

    public Upstream {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(connection, "connection");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " (expected 1..65535)");
        }
    }

    /** An upstream reached with Istio's default connection settings. */
    public Upstream(String address, int port, String cluster) {
        this(address, port, cluster, ConnectionPolicy.DEFAULT);
    }

    @Override
    public String toString() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
