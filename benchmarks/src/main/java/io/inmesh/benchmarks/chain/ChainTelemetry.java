package io.inmesh.benchmarks.chain;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.telemetry.AccessLog;
import io.inmesh.telemetry.MeshTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * The telemetry setups of the chain benchmarks, by name: {@code off} (no telemetry step),
 * {@code noop} (the extension on a no-op OpenTelemetry), {@code metrics} (Istio's metrics into an
 * SDK meter provider), {@code tracing-sampled} and {@code tracing-unsampled} (an SDK tracer provider,
 * batch span processor, exporter that drops), {@code all-sampled} and {@code all-unsampled} (both),
 * {@code access-log} (JSON lines to a sink that drops them). Nothing is exported: what is measured is
 * the recording on the request path.
 */
final class ChainTelemetry implements AutoCloseable {

    /** The extension to add, or {@code null} for {@code off}. */
    final MeshTelemetry extension;
    private final OpenTelemetrySdk sdk;

    private ChainTelemetry(MeshTelemetry extension, OpenTelemetrySdk sdk) {
        this.extension = extension;
        this.sdk = sdk;
    }

    /** A mesh of {@code workload} routed by {@link ChainRules#YAML}, with this telemetry; not started. */
    Mesh.Builder mesh(LocalWorkload workload) {
        Mesh.Builder builder = Mesh.builder().workload(workload).configSource(FixedSource.of(ChainRules.YAML));
        return extension == null ? builder : builder.extension(extension);
    }

    static ChainTelemetry of(String setup) {
        boolean sampled = setup.endsWith("-sampled");
        boolean metrics = setup.equals("metrics") || setup.startsWith("all-");
        boolean tracing = setup.startsWith("tracing-") || setup.startsWith("all-");
        switch (setup) {
            case "off":
                return new ChainTelemetry(null, null);
            case "noop":
                return new ChainTelemetry(MeshTelemetry.builder(OpenTelemetry.noop()).build(), null);
            case "access-log":
                return new ChainTelemetry(MeshTelemetry.builder(OpenTelemetry.noop()).metrics(false).tracing(false)
                        .accessLog(AccessLog.json().to(line -> { })).build(), null);
            default:
                if (!metrics && !tracing) {
                    throw new IllegalArgumentException("telemetry setup " + setup);
                }
                var sdkBuilder = OpenTelemetrySdk.builder();
                if (metrics) {
                    MetricReader reader = InMemoryMetricReader.create(); // collected only when asked: no export work
                    sdkBuilder.setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build());
                }
                if (tracing) {
                    sdkBuilder.setTracerProvider(SdkTracerProvider.builder()
                            .setSampler(sampled ? Sampler.alwaysOn() : Sampler.alwaysOff())
                            .addSpanProcessor(BatchSpanProcessor.builder(new DroppingExporter()).build())
                            .build());
                }
                OpenTelemetrySdk sdk = sdkBuilder.build();
                return new ChainTelemetry(MeshTelemetry.builder(sdk).metrics(metrics).tracing(tracing).build(), sdk);
        }
    }

    @Override
    public void close() {
        if (sdk != null) {
            sdk.close();
        }
    }
}
