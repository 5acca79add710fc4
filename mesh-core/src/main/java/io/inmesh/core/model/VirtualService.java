package io.inmesh.core.model;

import java.util.List;

/**
 * The spec of a VirtualService: how requests to a set of hosts are routed.
 *
 * @param hosts the destination hosts the rules apply to
 * @param gateways the gateways and sidecars that apply the rules; 'mesh' means all sidecars, the
 *     default
 * @param http ordered HTTP routes, the first match wins
 * @param tls ordered routes for unterminated TLS
 * @param tcp ordered routes for opaque TCP
 * @param exportTo namespaces the rules are visible to
 */
public record VirtualService(
        List<String> hosts,
        List<String> gateways,
        List<HttpRoute> http,
        List<TlsRoute> tls,
        List<TcpRoute> tcp,
        List<String> exportTo) {
}
