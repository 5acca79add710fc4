package io.inmesh.telemetry.internal.accesslog;

import io.inmesh.core.http.Downstream;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.http.Upstream;
import io.inmesh.core.registry.ServiceRegistry;
import io.inmesh.core.telemetry.CallRecord;
import io.inmesh.telemetry.internal.CompletedCall;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Locale;

/**
 * The values of one access-log line, named after the Envoy command operators of Istio's default
 * format. A {@code null} string is a value Envoy would not have ({@code -} in text, {@code null} in JSON).
 *
 * <p>In-process there is no socket between the application and the mesh: on the client side the
 * downstream addresses and the upstream local address are unknown, and the protocol is HTTP/1.1,
 * what the application would have spoken to a sidecar. On the server side the application's handler
 * is the upstream: its host is the address the request reached, its cluster {@code inbound|port||}.
 */
record AccessLogEntry(
        Instant startTime,
        String method,
        String path,
        String protocol,
        int responseCode,
        String responseFlags,
        String responseCodeDetails,
        String connectionTerminationDetails,
        String upstreamTransportFailureReason,
        long bytesReceived,
        long bytesSent,
        long durationMillis,
        String upstreamServiceTime,
        String xForwardedFor,
        String userAgent,
        String requestId,
        String authority,
        String upstreamHost,
        String upstreamCluster,
        String upstreamLocalAddress,
        String downstreamLocalAddress,
        String downstreamRemoteAddress,
        String requestedServerName,
        String routeName,
        String traceId) {

    /** Istio's name of the route of an inbound call, and of an outbound call that no VirtualService routed. */
    static final String DEFAULT_ROUTE = "default";

    /** Istio's cluster, and route, of a call to a host the registry does not know ({@code outboundTrafficPolicy: ALLOW_ANY}). */
    static final String PASSTHROUGH_CLUSTER = "PassthroughCluster";
    static final String ALLOW_ANY_ROUTE = "allow_any";

    static AccessLogEntry of(CompletedCall call) {
        CallRecord record = call.record();
        MeshRequest request = call.request();
        boolean inbound = record.direction() == CallRecord.Direction.INBOUND;
        Downstream downstream = inbound ? request.attribute(Downstream.KEY) : null;
        String upstreamHost;
        String upstreamCluster;
        String routeName;
        if (inbound) {
            InetSocketAddress local = downstream == null ? null : downstream.local();
            upstreamHost = address(local);
            upstreamCluster = local == null ? null : "inbound|" + local.getPort() + "||";
            routeName = DEFAULT_ROUTE;
        } else {
            Upstream upstream = record.upstream();
            upstreamHost = upstream == null ? null : upstream.toString();
            boolean passthrough = passthrough(call);
            upstreamCluster = passthrough ? PASSTHROUGH_CLUSTER : outboundCluster(call);
            routeName = record.routeName() != null ? record.routeName()
                    : record.virtualService() != null || record.destinationHost() == null ? null
                    : passthrough ? ALLOW_ANY_ROUTE : DEFAULT_ROUTE;
        }
        return new AccessLogEntry(
                record.startTime(),
                request.method().name(),
                request.pathAndQuery(),
                downstream == null ? "HTTP/1.1" : downstream.protocol(),
                call.status(),
                call.flagsText(),
                ResponseCodeDetails.of(call),
                null,
                transportFailureReason(call),
                call.requestBytes(),
                call.responseBytes(),
                call.durationNanos() / 1_000_000, // Envoy truncates to whole milliseconds
                call.responseHeaders().get("x-envoy-upstream-service-time"),
                request.headers().get("x-forwarded-for"),
                request.headers().get("user-agent"),
                request.headers().get("x-request-id"),
                request.authority(),
                upstreamHost,
                upstreamCluster,
                null,
                downstream == null ? null : address(downstream.local()),
                downstream == null ? null : address(downstream.remote()),
                null,
                routeName,
                traceId(request.headers().get("traceparent")));
    }

    /** Istio's cluster name: {@code outbound|9080|v1|reviews.default.svc.cluster.local}; none when the route chose none. */
    private static String outboundCluster(CompletedCall call) {
        CallRecord record = call.record();
        if (record.destinationHost() == null || call.flags().contains(ResponseFlag.NC)) {
            return null;
        }
        String subset = record.destinationSubset();
        return "outbound|" + record.destinationPort() + "|" + (subset == null ? "" : subset) + "|" + record.destinationHost();
    }

    /** Whether the call went to a host outside the registry, as a sidecar sends it through its PassthroughCluster. */
    private static boolean passthrough(CompletedCall call) {
        String host = call.record().destinationHost();
        ServiceRegistry registry = call.snapshot() == null ? null : call.snapshot().find(ServiceRegistry.class);
        return host != null && registry != null && registry.service(host).isEmpty();
    }

    /** For a failed connection, why, with spaces as underscores as Envoy writes it: {@code Connection_refused}. */
    private static String transportFailureReason(CompletedCall call) {
        if (!(call.failure() instanceof MeshException failure) || failure.flag() != ResponseFlag.UF) {
            return null;
        }
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        String message = cause.getMessage();
        return message == null || message.isBlank() ? null : message.strip().replaceAll("\\s+", "_");
    }

    /** The trace id of a W3C {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}), or {@code null}. */
    static String traceId(String traceparent) {
        if (traceparent == null || traceparent.length() < 55 || traceparent.charAt(2) != '-' || traceparent.charAt(35) != '-') {
            return null;
        }
        String id = traceparent.substring(3, 35).toLowerCase(Locale.ROOT);
        boolean allZero = true;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return null;
            }
            allZero &= c == '0';
        }
        return allZero ? null : id;
    }

    /** {@code ip:port} as Envoy writes addresses ({@code [::1]:port} for IPv6), without a name lookup. */
    static String address(InetSocketAddress address) {
        if (address == null) {
            return null;
        }
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
