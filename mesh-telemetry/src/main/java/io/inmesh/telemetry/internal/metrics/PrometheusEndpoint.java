package io.inmesh.telemetry.internal.metrics;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.exporter.prometheus.TranslationStrategy;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.util.HashMap;
import java.util.Map;

/**
 * The ready default setup of metrics: an OpenTelemetry SDK meter provider whose only reader is
 * OpenTelemetry's Prometheus exporter, serving {@code /metrics} on a loopback port over HTTP (the
 * JDK's server, on its own thread: scrapes never touch an event loop). Traces are not part of it.
 *
 * <p>One endpoint per port and JVM: the meshes of one JVM that ask for the same port (Bookinfo's
 * workloads in one process, say) share it, each {@link #acquire} matched by a {@link #close}; the
 * last close stops it. Their series differ by their workload labels.
 */
public final class PrometheusEndpoint implements AutoCloseable {

    private static final Map<Integer, PrometheusEndpoint> SHARED = new HashMap<>();

    private final SdkMeterProvider meterProvider;
    private final OpenTelemetry openTelemetry;
    private final String host;
    private final int port;
    /** Guarded by {@link #SHARED}. */
    private int users;

    private PrometheusEndpoint(String host, int port) {
        this.host = host;
        this.port = port;
        PrometheusHttpServer server = PrometheusHttpServer.builder()
                .setHost(host)
                .setPort(port)
                // Prometheus's own names with unit and _total suffixes: what Istio's dashboards query.
                .setTranslationStrategy(TranslationStrategy.UNDERSCORE_ESCAPING_WITH_SUFFIXES)
                // Istio's series carry Istio's labels only; the scope is the mesh's anyway.
                .setOtelScopeLabelsEnabled(false)
                // target_info (the SDK's resource) has no help text, which promtool reports; nothing Istio's dashboards read.
                .setTargetInfoMetricEnabled(false)
                .build();
        this.meterProvider = SdkMeterProvider.builder().registerMetricReader(server).build();
        MeterProvider meters = meterProvider;
        this.openTelemetry = new OpenTelemetry() {
            @Override
            public MeterProvider getMeterProvider() {
                return meters;
            }

            @Override
            public TracerProvider getTracerProvider() {
                return TracerProvider.noop();
            }

            @Override
            public ContextPropagators getPropagators() {
                return ContextPropagators.noop();
            }
        };
    }

    /**
     * The endpoint serving on {@code 127.0.0.1:port}: the one this JVM already serves there, else a
     * new one (which fails when another process holds the port). Close it when done.
     */
    public static PrometheusEndpoint acquire(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        synchronized (SHARED) {
            PrometheusEndpoint endpoint = SHARED.computeIfAbsent(port, free -> new PrometheusEndpoint("127.0.0.1", free));
            endpoint.users++;
            return endpoint;
        }
    }

    /** Metrics only: its tracer provider and propagators are no-ops. */
    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /** Where Prometheus scrapes, such as {@code http://127.0.0.1:9464/metrics}. */
    public String url() {
        return "http://" + host + ":" + port + "/metrics";
    }

    /** Gives this use of the endpoint back; the last one stops the HTTP server and the meter provider. */
    @Override
    public void close() {
        synchronized (SHARED) {
            if (users == 0 || --users > 0) {
                return;
            }
            SHARED.remove(port, this);
        }
        meterProvider.close();
    }
}
