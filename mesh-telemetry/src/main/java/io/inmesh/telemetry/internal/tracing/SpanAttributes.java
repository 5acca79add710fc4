package io.inmesh.telemetry.internal.tracing;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Every attribute name the mesh's spans carry, in one place: OpenTelemetry's stable HTTP semantic
 * conventions (semconv 1.26 and later), then the mesh's own under {@code inmesh.*}, which the
 * README lists.
 */
final class SpanAttributes {

    // --- OpenTelemetry HTTP semantic conventions (stable)

    static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_REQUEST_METHOD_ORIGINAL = AttributeKey.stringKey("http.request.method_original");
    static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");
    static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    static final AttributeKey<String> NETWORK_PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
    static final AttributeKey<Long> NETWORK_PEER_PORT = AttributeKey.longKey("network.peer.port");
    static final AttributeKey<String> NETWORK_PROTOCOL_VERSION = AttributeKey.stringKey("network.protocol.version");
    static final AttributeKey<String> USER_AGENT_ORIGINAL = AttributeKey.stringKey("user_agent.original");

    // --- the mesh's own

    /** The matched VirtualService, {@code namespace/name}; absent for the default route. */
    static final AttributeKey<String> ROUTE_VIRTUAL_SERVICE = AttributeKey.stringKey("inmesh.route.virtual_service");
    /** The matched HTTP route's name; absent when it has none. */
    static final AttributeKey<String> ROUTE_NAME = AttributeKey.stringKey("inmesh.route.name");
    /** The destination service host the route chose: {@code reviews.bookinfo.svc.cluster.local}. */
    static final AttributeKey<String> DESTINATION_SERVICE = AttributeKey.stringKey("inmesh.destination.service");
    /** The destination subset the route chose; absent for none. */
    static final AttributeKey<String> DESTINATION_SUBSET = AttributeKey.stringKey("inmesh.destination.subset");
    /** Istio's name of the upstream cluster: {@code outbound|9080|v2|reviews.bookinfo.svc.cluster.local}. */
    static final AttributeKey<String> UPSTREAM_CLUSTER = AttributeKey.stringKey("inmesh.upstream.cluster");
    /** The endpoint the last upstream request went to, {@code address:port} (Envoy's {@code %UPSTREAM_HOST%}). */
    static final AttributeKey<String> UPSTREAM_HOST = AttributeKey.stringKey("inmesh.upstream.host");
    /** How many requests went upstream for the call: 1, more after retries, 0 when the mesh answered itself. */
    static final AttributeKey<Long> UPSTREAM_REQUESTS = AttributeKey.longKey("inmesh.upstream.requests");
    /** Envoy's response flags ({@code UO,URX}); absent when none. */
    static final AttributeKey<String> RESPONSE_FLAGS = AttributeKey.stringKey("inmesh.response_flags");
    /** The fault the mesh injected: {@code delay}, {@code abort} or {@code delay,abort}; absent when none. */
    static final AttributeKey<String> FAULT = AttributeKey.stringKey("inmesh.fault");
    /** The other side's workload, as it declared itself: who answered (client span) or who called (server span). */
    static final AttributeKey<String> PEER_WORKLOAD = AttributeKey.stringKey("inmesh.peer.workload");
    /** The other side's namespace. */
    static final AttributeKey<String> PEER_NAMESPACE = AttributeKey.stringKey("inmesh.peer.namespace");

    private SpanAttributes() {
    }
}
