package io.inmesh.telemetry;

import io.inmesh.core.Mesh;
import io.inmesh.core.spi.ClientStage;
import io.inmesh.core.spi.MeshExtension;
import io.inmesh.core.spi.ServerStage;
import io.inmesh.core.telemetry.CallRecord;
import io.inmesh.telemetry.internal.CallObserver;
import io.inmesh.telemetry.internal.TelemetryInterceptor;
import io.inmesh.telemetry.internal.accesslog.AccessLogObserver;
import io.inmesh.telemetry.internal.metrics.MeshStateMetrics;
import io.inmesh.telemetry.internal.metrics.MetricNames;
import io.inmesh.telemetry.internal.metrics.MetricsObserver;
import io.inmesh.telemetry.internal.metrics.PrometheusEndpoint;
import io.inmesh.telemetry.internal.tracing.TracingObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mesh's telemetry, added to a mesh as an extension: Istio's standard metrics, a client and a
 * server span per hop, and Envoy-style access logs, each on or off.
 *
 * <pre>{@code
 * Mesh mesh = Mesh.builder()
 *         .workload(workload)
 *         .extension(MeshTelemetry.builder(openTelemetry).accessLog(AccessLog.text()).build())
 *         .build();
 * }</pre>
 *
 * <p>Metrics and traces go through the OpenTelemetry API: the SDK, its exporters and sampling are
 * the application's. With everything off the extension adds no step to the stacks, so it costs
 * nothing. Telemetry never blocks or fails a call: what goes wrong in it is logged once and counted.
 *
 * <p><b>Metrics</b> (instrumentation scope {@code io.inmesh.telemetry}), as Prometheus sees them
 * through OpenTelemetry's Prometheus exporter:
 * <ul>
 * <li>Istio's standard metrics, reported by both sides of every call ({@code reporter="source"} by
 *     the caller, {@code "destination"} by the server), with Istio's labels and values:
 *     {@code istio_requests_total}, {@code istio_request_duration_milliseconds},
 *     {@code istio_request_bytes}, {@code istio_response_bytes} (histograms with Envoy's default
 *     buckets, as Istio's).</li>
 * <li>The mesh's own: {@code inmesh_config_version} (1, labelled with the rules' version and origin),
 *     {@code inmesh_config_staleness_seconds}, {@code inmesh_config_rejections_total},
 *     {@code inmesh_upstream_overflows_total} (UO), {@code inmesh_retries_total} and
 *     {@code inmesh_faults_injected_total} (by {@code fault}: abort, delay).</li>
 * </ul>
 * A Prometheus scrape endpoint is one setting away: {@link #prometheus(int)}, or the
 * {@value #PROMETHEUS_PORT_VARIABLE} environment variable read by {@link #prometheusFromEnvironment()}.
 */
public final class MeshTelemetry implements MeshExtension {

    /** The extension's name; an application's own {@code MeshTelemetry} replaces a discovered one. */
    public static final String NAME = "telemetry";

    /** The environment variable {@link #prometheusFromEnvironment()} reads: the loopback port to serve {@code /metrics} on. */
    public static final String PROMETHEUS_PORT_VARIABLE = "INMESH_PROMETHEUS_PORT";

    private final Meter meter;
    private final PrometheusEndpoint prometheus;
    private final Map<Mesh, MeshStateMetrics> meshGauges = new ConcurrentHashMap<>();
    private final java.util.Set<Mesh> meshes = ConcurrentHashMap.newKeySet();
    private final List<CallObserver> observers;
    private final TelemetryInterceptor outbound;
    private final TelemetryInterceptor inbound;

    private MeshTelemetry(Builder builder) {
        List<CallObserver> all = new ArrayList<>();
        this.prometheus = builder.prometheusPort > 0 ? PrometheusEndpoint.acquire(builder.prometheusPort) : null;
        OpenTelemetry openTelemetry = prometheus != null ? prometheus.openTelemetry() : builder.openTelemetry;
        // Order matters at the start only: a span first, so that what follows can see its context.
        if (builder.tracing) {
            all.add(new TracingObserver(openTelemetry, builder.propagator));
        }
        all.addAll(builder.extraObservers);
        this.meter = builder.metrics ? openTelemetry.getMeter(MetricNames.SCOPE) : null;
        if (meter != null) {
            all.add(new MetricsObserver(meter));
        }
        AccessLogObserver.of(builder.accessLog).ifPresent(all::add);
        this.observers = List.copyOf(all);
        this.outbound = new TelemetryInterceptor(CallRecord.Direction.OUTBOUND, observers, builder.clock);
        this.inbound = new TelemetryInterceptor(CallRecord.Direction.INBOUND, observers, builder.clock);
    }

    /** Starts building telemetry that reports through {@code openTelemetry}. */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"), 0);
    }

    /**
     * Starts building telemetry whose metrics Prometheus scrapes at
     * {@code http://127.0.0.1:<port>/metrics}: {@link #build()} starts an OpenTelemetry SDK meter
     * provider with OpenTelemetry's Prometheus exporter, and closing the mesh stops it. The meshes of
     * one JVM that ask for the same port share one endpoint, which stops when the last of them
     * closes. Traces are not set up by this (bring your own OpenTelemetry through {@link #builder}
     * for them).
     *
     * <pre>{@code
     * Mesh mesh = Mesh.builder().workload(workload).extension(MeshTelemetry.prometheus(9464).build()).build();
     * }</pre>
     *
     * @param port the loopback port, 1..65535
     */
    public static Builder prometheus(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        return new Builder(null, port);
    }

    /**
     * {@link #prometheus(int)} on the port the {@value #PROMETHEUS_PORT_VARIABLE} environment
     * variable names; empty when it is not set.
     *
     * @throws IllegalArgumentException when it is set to something else than a port number
     */
    public static Optional<Builder> prometheusFromEnvironment() {
        return prometheusFrom(System.getenv(PROMETHEUS_PORT_VARIABLE));
    }

    static Optional<Builder> prometheusFrom(String port) {
        if (port == null || port.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(prometheus(Integer.parseInt(port.trim())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROMETHEUS_PORT_VARIABLE + ": '" + port + "' (expected: a port number, 1..65535)", e);
        }
    }

    /** Where Prometheus scrapes this telemetry's metrics, when it serves them ({@link #prometheus(int)}). */
    public Optional<String> prometheusUrl() {
        return prometheus == null ? Optional.empty() : Optional.of(prometheus.url());
    }

    /** Registers the gauges of the mesh's own state (its rules, their staleness, refused configurations). */
    @Override
    public void onStart(Mesh mesh) {
        meshes.add(mesh);
        if (meter != null) {
            meshGauges.computeIfAbsent(mesh, started -> new MeshStateMetrics(meter, started));
        }
    }

    /** Stops reporting the mesh's state, and stops the Prometheus endpoint this telemetry started once no mesh uses it. */
    @Override
    public void onClose(Mesh mesh) {
        MeshStateMetrics gauges = meshGauges.remove(mesh);
        if (gauges != null) {
            gauges.close();
        }
        if (meshes.remove(mesh) && meshes.isEmpty() && prometheus != null) {
            prometheus.close();
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Positioned<ClientStage>> clientInterceptors() {
        return observers.isEmpty() ? List.of() : List.of(new Positioned<>(ClientStage.TELEMETRY, "telemetry", outbound));
    }

    @Override
    public List<Positioned<ServerStage>> serverInterceptors() {
        return observers.isEmpty() ? List.of() : List.of(new Positioned<>(ServerStage.TELEMETRY, "telemetry", inbound));
    }

    /** How many times telemetry itself failed (an observer threw); the calls went on. */
    public long failures() {
        return outbound.observerFailures() + inbound.observerFailures();
    }

    /** Configures {@link MeshTelemetry}. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private final int prometheusPort;
        private boolean metrics = true;
        private boolean tracing = true;
        private AccessLog accessLog = AccessLog.off();
        private Clock clock = Clock.systemUTC();
        private TextMapPropagator propagator = MeshTracing.defaultPropagator();
        private final List<CallObserver> extraObservers = new ArrayList<>();

        private Builder(OpenTelemetry openTelemetry, int prometheusPort) {
            this.openTelemetry = openTelemetry;
            this.prometheusPort = prometheusPort;
        }

        /** Istio's standard metrics and the mesh's own; on by default. */
        public Builder metrics(boolean enabled) {
            this.metrics = enabled;
            return this;
        }

        /** A client and a server span per hop, with trace context propagated; on by default. */
        public Builder tracing(boolean enabled) {
            this.tracing = enabled;
            return this;
        }

        /**
         * The headers trace context travels in: {@link MeshTracing#defaultPropagator()} (W3C and B3, as
         * Istio) unless set; {@code openTelemetry.getPropagators().getTextMapPropagator()} uses the
         * application's, {@code B3Propagator.injectingSingleHeader()} sends a single {@code b3} header.
         */
        public Builder propagator(TextMapPropagator propagator) {
            this.propagator = Objects.requireNonNull(propagator, "propagator");
            return this;
        }

        /** Access logs: {@link AccessLog#off()} (the default), text or JSON, perhaps sampled. */
        public Builder accessLog(AccessLog accessLog) {
            this.accessLog = Objects.requireNonNull(accessLog, "accessLog");
            return this;
        }

        /** The wall clock of access-log timestamps; for tests. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** An observer of every call, for tests of the telemetry step itself. */
        Builder observer(CallObserver observer) {
            extraObservers.add(Objects.requireNonNull(observer, "observer"));
            return this;
        }

        /** Builds the telemetry; for {@link MeshTelemetry#prometheus(int)}, starts serving metrics (fails when the port is taken). */
        public MeshTelemetry build() {
            return new MeshTelemetry(this);
        }
    }
}
