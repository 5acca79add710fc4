package io.inmesh.benchmarks.load;

import io.inmesh.benchmarks.chain.ChainRules;
import io.inmesh.benchmarks.chain.DroppingExporter;
import io.inmesh.benchmarks.chain.FixedSource;
import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.MeshServer;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.telemetry.MeshTelemetry;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

/**
 * The systems under test, one setup per JVM (the launcher pins it to CPU 1), so that CPU time,
 * resident memory and heap belong to that setup alone. Every server answers {@code GET} with the
 * same 1 KiB body and a content length, so every hop keeps its connections alive.
 *
 * <p>{@code SystemUnderTest floor|raw|inmesh|sidecar PORT|jitter WINDOWS MILLIS}. It prints
 * {@code ready FRONTEND_PORT BACKEND_PORT}, then answers {@code heap} on standard input with
 * {@code heap USED_BEFORE_GC USED_AFTER_GC COMMITTED} (bytes) and ends at end of input. The
 * {@code jitter} probe instead prints one line per window of how late a thread woke up from a
 * 1 ms sleep, {@code jitter P50 P90 P99 P999 MAX} (µs), on an otherwise idle CPU: the machine's
 * own noise floor.
 */
public final class SystemUnderTest {

    private static final byte[] BODY = "x".repeat(1024).getBytes(StandardCharsets.US_ASCII);
    private static final String LENGTH = Integer.toString(BODY.length);

    private SystemUnderTest() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: SystemUnderTest floor|raw|inmesh|sidecar PORT|jitter WINDOWS MILLIS");
        }
        if (args[0].equals("jitter")) {
            jitter(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        DisposableServer backend = backend();
        DisposableServer frontend;
        switch (args[0]) {
            case "floor" -> frontend = backend;
            case "raw" -> frontend = rawFrontend(backend.port());
            // The frontend calls the first HAProxy; the harness starts the pair once it knows the backend's port.
            case "sidecar" -> frontend = rawFrontend(Integer.parseInt(args[1]));
            case "inmesh" -> frontend = inmesh();
            default -> throw new IllegalArgumentException("setup: " + args[0] + " (expected floor, raw, inmesh, sidecar or jitter)");
        }
        System.out.println("ready " + frontend.port() + " " + backend.port());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("heap")) {
                long before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                System.gc();
                MemoryUsage after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                System.out.println("heap " + before + " " + after.getUsed() + " " + after.getCommitted());
                System.out.flush();
            }
        }
        System.exit(0);
    }

    private static DisposableServer backend() {
        return HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> response.header("content-length", LENGTH).header("content-type", "text/plain")
                        .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(BODY))))
                .bindNow();
    }

    /** What an application does without a mesh: a pooled reactor-netty client, the body streamed back. */
    private static DisposableServer rawFrontend(int targetPort) {
        HttpClient client = HttpClient.create(ConnectionProvider.builder("backend").maxConnections(64).pendingAcquireMaxCount(-1).build())
                .host("127.0.0.1").port(targetPort).headers(headers -> headers.set("end-user", "jason"));
        return HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> response.header("content-length", LENGTH).header("content-type", "text/plain")
                        .send(client.get().uri("/reviews/0").responseContent().retain()))
                .bindNow();
    }

    /**
     * The same frontend calling through {@code MeshClient}, routed by Bookinfo's reviews rules (the
     * header match sends it to the 90/10 split of v2 and v3; subsets, connection pool, outlier
     * detection), to three backends wrapped by {@code MeshServer}; telemetry on as an application
     * runs it, in both meshes.
     */
    private static DisposableServer inmesh() {
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(InMemoryMetricReader.create()).build())
                .setTracerProvider(SdkTracerProvider.builder()
                        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(0.01)))
                        .addSpanProcessor(BatchSpanProcessor.builder(new DroppingExporter()).build())
                        .build())
                .build();
        Mesh reviews = Mesh.builder().workload(LocalWorkload.of("reviews-v2", "bookinfo", Map.of("app", "reviews", "version", "v2")))
                .extension(MeshTelemetry.builder(sdk).build()).build();
        int[] ports = new int[3];
        for (int v = 0; v < 3; v++) {
            MeshServer server = reviews.server(request -> Mono.just(MeshResponse.of(200,
                    new DefaultHttpHeaders().set("content-length", LENGTH).set("content-type", "text/plain"),
                    Flux.defer(() -> Flux.just(Unpooled.wrappedBuffer(BODY)))))).host("127.0.0.1").port(0).bind();
            ports[v] = server.port();
        }
        MeshConfig.LoadResult rules = MeshConfig.load("reviews.yaml", ChainRules.withPorts(ports[0], ports[1], ports[2]));
        Mesh productpage = Mesh.builder()
                .workload(LocalWorkload.of("productpage-v1", "bookinfo", Map.of("app", "productpage", "version", "v1")))
                .configSource(FixedSource.of(rules))
                .extension(MeshTelemetry.builder(sdk).build())
                .build();
        productpage.ready().block();
        return HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> response.header("content-length", LENGTH).header("content-type", "text/plain")
                        .send(productpage.client().get("http://reviews.bookinfo.svc.cluster.local:9080/reviews/0")
                                .header("end-user", "jason").exchange().flatMapMany(MeshResponse::body)))
                .bindNow();
    }

    private static void jitter(int windows, int millis) {
        long sleep = TimeUnit.MILLISECONDS.toNanos(1);
        for (int w = 0; w < windows; w++) {
            Histogram late = new Histogram(3);
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (System.nanoTime() < end) {
                long before = System.nanoTime();
                LockSupport.parkNanos(sleep);
                late.recordValue(Math.max(0, System.nanoTime() - before - sleep));
            }
            System.out.printf(java.util.Locale.ROOT, "jitter %.1f %.1f %.1f %.1f %.1f%n", late.getValueAtPercentile(50) / 1e3,
                    late.getValueAtPercentile(90) / 1e3, late.getValueAtPercentile(99) / 1e3, late.getValueAtPercentile(99.9) / 1e3,
                    late.getMaxValue() / 1e3);
            System.out.flush();
        }
    }
}
