package io.inmesh.core.http;

import java.net.InetSocketAddress;

/**
 * The connection an inbound request came in on, as a {@link io.inmesh.core.MeshServer} saw it: for
 * access logs ({@code DOWNSTREAM_REMOTE_ADDRESS}, {@code DOWNSTREAM_LOCAL_ADDRESS}) and the
 * {@code request_protocol} of metrics.
 *
 * @param remote the caller's address and port; {@code null} when unknown
 * @param local the server's address and port the request reached; {@code null} when unknown
 * @param protocol the HTTP version, as Envoy's {@code %PROTOCOL%} writes it: {@code HTTP/1.1} or {@code HTTP/2}
 */
public record Downstream(InetSocketAddress remote, InetSocketAddress local, String protocol) {

    /** The attribute the server sets on every inbound request. */
    public static final AttributeKey<Downstream> KEY = AttributeKey.of("downstream", Downstream.class);
}
