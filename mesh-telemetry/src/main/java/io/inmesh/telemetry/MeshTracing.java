package io.inmesh.telemetry;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * How the mesh's traces meet the application's code: the trace context of the inbound call being
 * handled, found in the Reactor context of the handler, and the propagation the mesh speaks by
 * default.
 *
 * <p>A {@code MeshServer}'s server span is in the Reactor context of its handler, and every
 * {@code MeshClient} call the handler makes joins that trace: nothing needs doing for a request to
 * be one trace across services. An application that makes spans of its own reads the context with
 * {@link #context(ContextView)} ({@code Mono.deferContextual(view -> ...)}), and makes its own span
 * the parent of the mesh's client spans with {@link #withParent}.
 */
public final class MeshTracing {

    private static final Object KEY = new Object() {
        @Override
        public String toString() {
            return "inmesh-trace-context";
        }
    };

    private MeshTracing() {
    }

    /**
     * The default propagation, as Istio's sidecars: extracts W3C {@code traceparent}/{@code tracestate}
     * and B3 in its single ({@code b3}) and multi-header ({@code X-B3-TraceId}, ...) forms, W3C
     * winning when a request carries both; injects W3C and B3 multi-header, so that both OpenTelemetry
     * services and Envoy's Zipkin tracer continue the trace.
     */
    public static TextMapPropagator defaultPropagator() {
        return TextMapPropagator.composite(B3Propagator.injectingMultiHeaders(), W3CTraceContextPropagator.getInstance());
    }

    /**
     * The trace context that calls made under {@code view} join: the one {@link #withParent} put
     * there (for a handler: its inbound call's server span), else the thread's
     * {@link io.opentelemetry.context.Context#current()}.
     */
    public static io.opentelemetry.context.Context context(ContextView view) {
        Object context = view.getOrDefault(KEY, null);
        return context instanceof io.opentelemetry.context.Context found ? found : io.opentelemetry.context.Context.current();
    }

    /** {@code reactorContext} with {@code parent} as the trace context of the mesh calls made under it. */
    public static Context withParent(Context reactorContext, io.opentelemetry.context.Context parent) {
        return reactorContext.put(KEY, parent);
    }
}
