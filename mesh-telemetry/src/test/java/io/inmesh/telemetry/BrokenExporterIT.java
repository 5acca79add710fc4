package io.inmesh.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.testing.BlockHoundExtension;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

/**
 * An exporter whose endpoint refuses connections loses telemetry, not requests: the OTLP metric or
 * span exporter pointed at a closed loopback port, exporting every 50 ms while the Bookinfo chain
 * serves 200 calls.
 */
@ExtendWith(BlockHoundExtension.class)
class BrokenExporterIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CALLS = 200;

    @Test
    void aRefusingExporterEndpointCostsNoFailedRequest() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CountingExporter exporter = new CountingExporter(OtlpHttpMetricExporter.builder()
                .setEndpoint("http://127.0.0.1:" + closedPort + "/v1/metrics").setTimeout(Duration.ofSeconds(1)).build());
        SdkMeterProvider meters = SdkMeterProvider.builder()
                .registerMetricReader(PeriodicMetricReader.builder(exporter).setInterval(Duration.ofMillis(50)).build()).build();
        List<MeshTelemetry> telemetries = new ArrayList<>();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setMeterProvider(meters).build();
                Bookinfo bookinfo = new Bookinfo(workload -> {
                    MeshTelemetry telemetry = MeshTelemetry.builder(sdk).tracing(false).build();
                    telemetries.add(telemetry);
                    return telemetry;
                })) {
            List<Integer> statuses = Flux.range(0, CALLS)
                    .concatMap(i -> bookinfo.productpage.client().get(Bookinfo.DETAILS).exchange()
                            .flatMap(response -> response.bodyAsString().thenReturn(response.status())))
                    .collectList().block(WAIT);

            assertThat(statuses).hasSize(CALLS).containsOnly(200);
            await().atMost(WAIT).until(() -> exporter.failed.get() >= 2);
            assertThat(exporter.succeeded.get()).as("nothing listens there").isZero();
            assertThat(telemetries).allSatisfy(telemetry -> assertThat(telemetry.failures()).isZero());
        }
    }

    @Test
    void aRefusingSpanExporterEndpointCostsNoFailedRequest() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AtomicInteger failedExports = new AtomicInteger();
        SpanExporter otlp = OtlpHttpSpanExporter.builder()
                .setEndpoint("http://127.0.0.1:" + closedPort + "/v1/traces").setTimeout(Duration.ofSeconds(1)).build();
        SpanExporter counting = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                CompletableResultCode result = otlp.export(spans);
                result.whenComplete(() -> {
                    if (!result.isSuccess()) {
                        failedExports.incrementAndGet();
                    }
                });
                return result;
            }

            @Override
            public CompletableResultCode flush() {
                return otlp.flush();
            }

            @Override
            public CompletableResultCode shutdown() {
                return otlp.shutdown();
            }
        };
        SdkTracerProvider tracers = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn())
                .addSpanProcessor(BatchSpanProcessor.builder(counting).setScheduleDelay(Duration.ofMillis(50)).build()).build();
        List<MeshTelemetry> telemetries = new ArrayList<>();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(tracers).build();
                Bookinfo bookinfo = new Bookinfo(workload -> {
                    MeshTelemetry telemetry = MeshTelemetry.builder(sdk).metrics(false).build();
                    telemetries.add(telemetry);
                    return telemetry;
                })) {
            List<Integer> statuses = Flux.range(0, CALLS)
                    .concatMap(i -> bookinfo.productpage.client().get(Bookinfo.DETAILS).exchange()
                            .flatMap(response -> response.bodyAsString().thenReturn(response.status())))
                    .collectList().block(WAIT);

            assertThat(statuses).hasSize(CALLS).containsOnly(200);
            await().atMost(WAIT).until(() -> failedExports.get() >= 2);
            assertThat(telemetries).allSatisfy(telemetry -> assertThat(telemetry.failures()).isZero());
        }
    }

    /** The real exporter, with a count of how its exports ended. */
    private static final class CountingExporter implements MetricExporter {
        final MetricExporter delegate;
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger succeeded = new AtomicInteger();

        CountingExporter(MetricExporter delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            CompletableResultCode result = delegate.export(metrics);
            result.whenComplete(() -> (result.isSuccess() ? succeeded : failed).incrementAndGet());
            return result;
        }

        @Override
        public CompletableResultCode flush() {
            return delegate.flush();
        }

        @Override
        public CompletableResultCode shutdown() {
            return delegate.shutdown();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return delegate.getAggregationTemporality(instrumentType);
        }

        @Override
        public MemoryMode getMemoryMode() {
            return delegate.getMemoryMode();
        }
    }
}
