package io.inmesh.telemetry.internal.tracing;

import static io.inmesh.telemetry.internal.tracing.SpanAttributes.*;

import io.inmesh.core.http.AttributeKey;
import io.inmesh.core.http.Downstream;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.PeerIdentity;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.http.Upstream;
import io.inmesh.core.telemetry.CallRecord;
import io.inmesh.telemetry.MeshTracing;
import io.inmesh.telemetry.internal.CallObserver;
import io.inmesh.telemetry.internal.CompletedCall;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * A client span for every outbound call and a server span for every inbound one, as OpenTelemetry's
 * stable HTTP semantic conventions describe them, with the mesh's {@code inmesh.*} attributes.
 *
 * <p>An inbound call's span continues the trace its request headers carry and is put in the Reactor
 * context of its handler; an outbound call's span is a child of the trace context it finds there (or
 * of the thread's current context, or else of the trace headers the application forwarded), and its
 * request carries the span's context on, in place of any such forwarded headers. The attributes a
 * sampler may want are set before the span starts; what the route and wire steps decide is added at
 * the end, from the call's record. A span that is not sampled still gets an id and propagates.
 */
public final class TracingObserver implements CallObserver {

    private static final String SCOPE = "io.inmesh.telemetry";
    private static final AttributeKey<Span> SPAN = AttributeKey.of("inmesh-span", Span.class);
    private static final AttributeKey<io.opentelemetry.context.Context> CONTEXT =
            AttributeKey.of("inmesh-trace-context", io.opentelemetry.context.Context.class);
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    /** Query parameters whose values the conventions ask to redact in {@code url.full} and {@code url.query}. */
    private static final Set<String> SECRET_QUERY_PARAMETERS = Set.of("AWSAccessKeyId", "Signature", "sig", "X-Goog-Signature");

    /** B3's headers in both forms; OpenTelemetry's B3 propagator lists only those of the form it injects. */
    private static final List<String> B3_HEADERS = List.of("b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags");

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final List<String> ownedHeaders;

    public TracingObserver(OpenTelemetry openTelemetry, TextMapPropagator propagator) {
        this.tracer = openTelemetry.getTracer(SCOPE);
        this.propagator = propagator;
        Set<String> owned = new LinkedHashSet<>();
        for (String field : propagator.fields()) {
            owned.add(field.toLowerCase(Locale.ROOT));
        }
        if (owned.stream().anyMatch(B3_HEADERS::contains)) {
            owned.addAll(B3_HEADERS);
        }
        this.ownedHeaders = List.copyOf(owned);
        // OpenTelemetry finds its context storage with a ServiceLoader, reading jar files, the first
        // time a context is asked for: do it here, on the thread that builds the mesh, not on an event loop.
        io.opentelemetry.context.Context.current();
    }

    @Override
    public MeshRequest onStart(CallRecord call, MeshRequest request, ContextView context) {
        return call.direction() == CallRecord.Direction.OUTBOUND ? startClient(call, request, context) : startServer(call, request);
    }

    private MeshRequest startClient(CallRecord call, MeshRequest request, ContextView view) {
        io.opentelemetry.context.Context parent = MeshTracing.context(view);
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            // Called from outside a traced inbound call: continue the trace whose headers the
            // application forwarded from its own inbound request, if it did.
            parent = propagator.extract(parent, request.headers(), GETTER);
        }
        String query = redacted(request.query());
        SpanBuilder builder = tracer.spanBuilder(spanName(request)).setSpanKind(SpanKind.CLIENT).setParent(parent);
        method(builder, request);
        builder.setAttribute(URL_FULL, request.scheme() + "://" + withoutCredentials(request.authority()) + request.path()
                + (query == null ? "" : "?" + query));
        builder.setAttribute(SERVER_ADDRESS, request.host());
        builder.setAttribute(SERVER_PORT, (long) request.port());
        userAgent(builder, request.headers());
        Span span = builder.startSpan();
        call.attach(SPAN, span);
        // The mesh owns the propagation headers of the calls it traces: drop what the application
        // forwarded (Bookinfo's services copy the inbound B3 headers), so that no stale parent wins.
        MeshRequest.Builder sent = request.toBuilder();
        for (String header : ownedHeaders) {
            sent.removeHeader(header);
        }
        propagator.inject(parent.with(span), sent, SETTER);
        return sent.build();
    }

    private MeshRequest startServer(CallRecord call, MeshRequest request) {
        io.opentelemetry.context.Context parent = propagator.extract(io.opentelemetry.context.Context.root(), request.headers(), GETTER);
        SpanBuilder builder = tracer.spanBuilder(spanName(request)).setSpanKind(SpanKind.SERVER).setParent(parent);
        method(builder, request);
        builder.setAttribute(URL_SCHEME, request.scheme());
        builder.setAttribute(URL_PATH, request.path());
        String query = redacted(request.query());
        if (query != null) {
            builder.setAttribute(URL_QUERY, query);
        }
        builder.setAttribute(SERVER_ADDRESS, request.host());
        builder.setAttribute(SERVER_PORT, (long) request.port());
        userAgent(builder, request.headers());
        Downstream downstream = request.attribute(Downstream.KEY);
        if (downstream != null) {
            InetSocketAddress remote = downstream.remote();
            if (remote != null && remote.getAddress() != null) {
                String address = remote.getAddress().getHostAddress();
                builder.setAttribute(CLIENT_ADDRESS, address);
                builder.setAttribute(NETWORK_PEER_ADDRESS, address);
                builder.setAttribute(NETWORK_PEER_PORT, (long) remote.getPort());
            }
            if (downstream.protocol() != null) {
                builder.setAttribute(NETWORK_PROTOCOL_VERSION, downstream.protocol().startsWith("HTTP/")
                        ? downstream.protocol().substring(5) : downstream.protocol());
            }
        }
        PeerIdentity caller = request.attribute(PeerIdentity.KEY);
        if (caller != null) {
            builder.setAttribute(PEER_WORKLOAD, caller.workload());
            builder.setAttribute(PEER_NAMESPACE, caller.namespace());
        }
        Span span = builder.startSpan();
        call.attach(SPAN, span);
        call.attach(CONTEXT, parent.with(span));
        return request;
    }

    @Override
    public Context inside(CallRecord call, Context context) {
        io.opentelemetry.context.Context trace = call.attachment(CONTEXT);
        return trace == null ? context : MeshTracing.withParent(context, trace);
    }

    @Override
    public void onEnd(CompletedCall completed) {
        CallRecord call = completed.record();
        Span span = call.attachment(SPAN);
        if (span == null) {
            return;
        }
        if (span.isRecording()) {
            describeEnd(span, completed);
        }
        span.end();
    }

    private static void describeEnd(Span span, CompletedCall completed) {
        CallRecord call = completed.record();
        boolean client = call.direction() == CallRecord.Direction.OUTBOUND;
        int status = completed.status();
        if (status > 0) {
            span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status);
        }
        // Conventions: a client span is in error from 4xx on, a server span from 5xx on (a 4xx is
        // the caller's mistake, not the server's); error.type is the status code, or the exception's
        // class when there is no status.
        Throwable failure = completed.failure();
        if (status >= (client ? 400 : 500)) {
            span.setAttribute(ERROR_TYPE, Integer.toString(status));
            span.setStatus(StatusCode.ERROR);
        } else if (status == 0 && failure != null) {
            span.setAttribute(ERROR_TYPE, failure.getClass().getName());
            span.setStatus(StatusCode.ERROR);
        }
        if (failure != null) {
            span.recordException(failure);
        }
        Set<ResponseFlag> flags = completed.flags();
        if (!flags.isEmpty()) {
            span.setAttribute(RESPONSE_FLAGS, completed.flagsText());
            if (flags.contains(ResponseFlag.DI) || flags.contains(ResponseFlag.FI)) {
                span.setAttribute(FAULT, flags.contains(ResponseFlag.DI)
                        ? (flags.contains(ResponseFlag.FI) ? "delay,abort" : "delay") : "abort");
            }
        }
        if (!client) {
            return;
        }
        if (call.virtualService() != null) {
            span.setAttribute(ROUTE_VIRTUAL_SERVICE, call.virtualService());
        }
        if (call.routeName() != null) {
            span.setAttribute(ROUTE_NAME, call.routeName());
        }
        if (call.destinationHost() != null) {
            span.setAttribute(DESTINATION_SERVICE, call.destinationHost());
        }
        if (call.destinationSubset() != null) {
            span.setAttribute(DESTINATION_SUBSET, call.destinationSubset());
        }
        span.setAttribute(UPSTREAM_REQUESTS, (long) call.upstreamRequests());
        Upstream upstream = call.upstream();
        if (upstream != null) {
            span.setAttribute(UPSTREAM_HOST, upstream.toString());
            span.setAttribute(UPSTREAM_CLUSTER, istioCluster(upstream.cluster()));
            span.setAttribute(NETWORK_PEER_ADDRESS, upstream.address());
            span.setAttribute(NETWORK_PEER_PORT, (long) upstream.port());
        }
        PeerIdentity answered = call.upstreamPeer();
        if (answered != null) {
            span.setAttribute(PEER_WORKLOAD, answered.workload());
            span.setAttribute(PEER_NAMESPACE, answered.namespace());
        }
    }

    /** {@code host|subset|port} as Istio names the cluster: {@code outbound|port|subset|host}. */
    static String istioCluster(String cluster) {
        String[] parts = cluster.split("\\|", -1);
        return parts.length == 3 ? "outbound|" + parts[2] + "|" + parts[1] + "|" + parts[0] : cluster;
    }

    /** The conventions' name: the method, or {@code HTTP} for a method they do not know; no route template is known. */
    private static String spanName(MeshRequest request) {
        String method = request.method().name();
        return KNOWN_METHODS.contains(method) ? method : "HTTP";
    }

    private static void method(SpanBuilder builder, MeshRequest request) {
        String method = request.method().name();
        if (KNOWN_METHODS.contains(method)) {
            builder.setAttribute(HTTP_REQUEST_METHOD, method);
        } else {
            builder.setAttribute(HTTP_REQUEST_METHOD, "_OTHER");
            builder.setAttribute(HTTP_REQUEST_METHOD_ORIGINAL, method);
        }
    }

    private static void userAgent(SpanBuilder builder, HttpHeaders headers) {
        String agent = headers.get(HttpHeaderNames.USER_AGENT);
        if (agent != null) {
            builder.setAttribute(USER_AGENT_ORIGINAL, agent);
        }
    }

    /** The authority with any {@code user:password@} replaced, as the conventions ask of {@code url.full}. */
    static String withoutCredentials(String authority) {
        int at = authority.lastIndexOf('@');
        return at < 0 ? authority : "REDACTED:REDACTED@" + authority.substring(at + 1);
    }

    /** The query with the values of known secret parameters replaced by {@code REDACTED}, as the conventions ask. */
    static String redacted(String query) {
        if (query == null || query.isEmpty()) {
            return query;
        }
        boolean secret = false;
        for (String name : SECRET_QUERY_PARAMETERS) {
            if (query.contains(name + "=")) {
                secret = true;
                break;
            }
        }
        if (!secret) {
            return query; // the usual case, without splitting
        }
        StringBuilder out = new StringBuilder(query.length());
        for (String pair : query.split("&", -1)) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            out.append(out.length() == 0 ? "" : "&").append(equals >= 0 && SECRET_QUERY_PARAMETERS.contains(name) ? name + "=REDACTED" : pair);
        }
        return out.toString();
    }

    private static final TextMapSetter<MeshRequest.Builder> SETTER = (builder, name, value) -> {
        if (builder != null) {
            builder.setHeader(name, value);
        }
    };

    private static final TextMapGetter<HttpHeaders> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpHeaders headers) {
            return headers.names();
        }

        @Override
        public String get(HttpHeaders headers, String name) {
            return headers == null ? null : headers.get(name);
        }
    };
}
