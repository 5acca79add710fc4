package io.inmesh.benchmarks.chain;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.source.ConfigSource;
import io.inmesh.core.spi.ClientStage;
import io.inmesh.telemetry.AccessLog;
import io.inmesh.telemetry.MeshTelemetry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What telemetry adds to one outbound call through the client stack, without the network: the
 * call is routed by a realistic rule set (a header match, a 90/10 split, subsets, connection pool
 * and outlier detection), passes the fault, timeout, retry and circuit-breaker steps, and is
 * answered by an application interceptor at {@code USER_ATTEMPT} with a 1 KiB body, so that the
 * endpoint pick and the wire are left out. The body is read to its end, which is when telemetry
 * reports the call.
 *
 * <p>Setups ({@code telemetry}): {@code off} (no telemetry step), {@code metrics} (Istio's metrics
 * into an SDK meter provider), {@code tracing-sampled} and {@code tracing-unsampled} (an SDK tracer
 * provider, batch span processor, exporter that drops), {@code all-sampled} and {@code all-unsampled}
 * (both), {@code noop} (the extension on a no-op OpenTelemetry), and {@code access-log} (JSON lines to
 * a sink that drops them).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class TelemetryOverhead {

    @Param({"off", "noop", "metrics", "tracing-sampled", "tracing-unsampled", "all-sampled", "all-unsampled", "access-log"})
    public String telemetry;

    private Mesh mesh;
    private ChainTelemetry telemetrySetup;

    @Setup(Level.Trial)
    public void start() {
        telemetrySetup = ChainTelemetry.of(telemetry);
        mesh = telemetrySetup.mesh(LocalWorkload.of("productpage-v1", "bookinfo", Map.of("app", "productpage", "version", "v1")))
                .clientInterceptor(ClientStage.USER_ATTEMPT, "answer", ChainRules.answer())
                .build();
        mesh.ready().block();
    }

    @TearDown(Level.Trial)
    public void stop() {
        mesh.close();
        telemetrySetup.close();
    }

    /** One call through the client stack with the header that the rules route to subset v2; its body read to the end. */
    @Benchmark
    public int call() {
        return ChainRules.call(mesh);
    }
}
