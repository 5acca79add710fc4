package io.inmesh.telemetry;

import io.inmesh.core.spi.ClientStage;
import io.inmesh.core.spi.MeshExtension;
import io.inmesh.core.spi.ServerStage;
import io.inmesh.core.telemetry.CallRecord;
import io.inmesh.telemetry.internal.CallObserver;
import io.inmesh.telemetry.internal.TelemetryInterceptor;
import io.inmesh.telemetry.internal.accesslog.AccessLogObserver;
import io.inmesh.telemetry.internal.tracing.TracingObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
 */
public final class MeshTelemetry implements MeshExtension {

    /** The extension's name; an application's own {@code MeshTelemetry} replaces a discovered one. */
    public static final String NAME = "telemetry";

    private final List<CallObserver> observers;
    private final TelemetryInterceptor outbound;
    private final TelemetryInterceptor inbound;

    private MeshTelemetry(Builder builder) {
        List<CallObserver> all = new ArrayList<>();
        // Order matters at the start only: a span first, so that what follows can see its context.
        if (builder.tracing) {
            all.add(new TracingObserver(builder.openTelemetry, builder.propagator));
        }
        all.addAll(builder.extraObservers);
        AccessLogObserver.of(builder.accessLog).ifPresent(all::add);
        this.observers = List.copyOf(all);
        this.outbound = new TelemetryInterceptor(CallRecord.Direction.OUTBOUND, observers, builder.clock);
        this.inbound = new TelemetryInterceptor(CallRecord.Direction.INBOUND, observers, builder.clock);
    }

    /** Starts building telemetry that reports through {@code openTelemetry}. */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(openTelemetry);
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
        private boolean metrics = true;
        private boolean tracing = true;
        private AccessLog accessLog = AccessLog.off();
        private Clock clock = Clock.systemUTC();
        private TextMapPropagator propagator = MeshTracing.defaultPropagator();
        private final List<CallObserver> extraObservers = new ArrayList<>();

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
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

        public MeshTelemetry build() {
            return new MeshTelemetry(this);
        }
    }
}
