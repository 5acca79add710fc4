package io.inmesh.examples.overhead;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.MeshServer;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.source.ConfigSource;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

/**
 * A first sanity check of what the mesh adds to one call, not a benchmark (that is the benchmarks
 * module's job): a raw reactor-netty client calling a raw reactor-netty server, against a
 * {@code MeshClient} routing by a VirtualService with a header match and DestinationRule subsets to a
 * {@code MeshServer}; 1 KiB responses, loopback, open loop at a fixed rate, each latency measured
 * from the moment the request was due (so a stall counts for every request it delays). Prints
 * p50/p90/p99 per round; the first round warms the JIT.
 *
 * <p>{@code java -cp examples/target/bookinfo-demo.jar io.inmesh.examples.overhead.OverheadCheck [RATE] [SECONDS] [ROUNDS]}
 */
public final class OverheadCheck {

    private static final byte[] BODY = new byte[1024];

    private OverheadCheck() {
    }

    public static void main(String[] args) throws InterruptedException {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;

        DisposableServer rawServer = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> response.header("content-length", "1024")
                        .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(BODY))))
                .bindNow();
        HttpClient rawClient = HttpClient.create(ConnectionProvider.builder("raw").maxConnections(1024).pendingAcquireMaxCount(-1).build())
                .baseUrl("http://127.0.0.1:" + rawServer.port());
        Supplier<Mono<Integer>> raw = () -> rawClient.get().uri("/reviews/1")
                .responseSingle((response, body) -> body.asByteArray().map(bytes -> response.status().code()));

        Mesh serverMesh = Mesh.builder().workload(LocalWorkload.of("reviews-v1", "default", Map.of("app", "reviews", "version", "v1"))).build();
        MeshServer meshServer = serverMesh.server(request -> Mono.just(MeshResponse.of(200,
                new DefaultHttpHeaders().set("content-length", "1024"), Flux.defer(() -> Flux.just(Unpooled.wrappedBuffer(BODY)))))).bind();
        MeshConfig.LoadResult rules = MeshConfig.load("overhead.yaml", rules(meshServer.port()));
        if (!rules.isValid()) {
            throw new IllegalStateException(rules.diagnostics().toString());
        }
        Mesh clientMesh = Mesh.builder()
                .workload(LocalWorkload.of("productpage-v1", "default", Map.of("app", "productpage", "version", "v1")))
                .configSource(new StaticSource(rules))
                .build();
        clientMesh.ready().block();
        Supplier<Mono<Integer>> inmesh = () -> clientMesh.client().get("http://reviews:9080/reviews/1").exchange()
                .flatMap(response -> response.bodyAsBytes().map(bytes -> response.status()));

        System.out.printf("%d rps for %d s per round, 1 KiB responses, loopback%n", rate, seconds);
        for (int round = 0; round < rounds; round++) {
            print(round, "raw", run(raw, rate, seconds));
            print(round, "inmesh", run(inmesh, rate, seconds));
        }
        clientMesh.close();
        meshServer.close();
        serverMesh.close();
        rawServer.disposeNow();
    }

    private static String rules(int port) {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: reviews}
                spec:
                  hosts: [reviews.default.svc.cluster.local]
                  ports: [{number: 9080, name: http, protocol: HTTP}]
                  resolution: STATIC
                  location: MESH_INTERNAL
                  endpoints:
                  - {address: 127.0.0.1, ports: {http: %d}, labels: {version: v1}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews}
                spec:
                  host: reviews
                  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews}
                spec:
                  hosts: [reviews]
                  http:
                  - match: [{headers: {end-user: {exact: jason}}}]
                    route: [{destination: {host: reviews, subset: v2}}]
                  - route: [{destination: {host: reviews, subset: v1}}]
                """.formatted(port);
    }

    private static void print(int round, String setup, long[] latencies) {
        Arrays.sort(latencies);
        System.out.printf("round %d %-7s p50=%.3f ms p90=%.3f ms p99=%.3f ms%n", round, setup,
                latencies[latencies.length / 2] / 1e6, latencies[(int) (latencies.length * 0.9)] / 1e6,
                latencies[(int) (latencies.length * 0.99)] / 1e6);
    }

    /** Sends {@code rate} requests a second for {@code seconds}; each latency counts from when the request was due. */
    private static long[] run(Supplier<Mono<Integer>> call, int rate, int seconds) throws InterruptedException {
        int count = rate * seconds;
        long interval = 1_000_000_000L / rate;
        long[] latencies = new long[count];
        CountDownLatch done = new CountDownLatch(count);
        long start = System.nanoTime() + 10_000_000;
        for (int i = 0; i < count; i++) {
            int index = i;
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            call.get().subscribe(status -> {
                latencies[index] = System.nanoTime() - due;
                done.countDown();
            }, error -> {
                latencies[index] = Long.MAX_VALUE;
                done.countDown();
            });
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("requests still pending after 60 s");
        }
        return latencies;
    }

    /** The one configuration, at once. */
    private record StaticSource(MeshConfig.LoadResult rules) implements ConfigSource {
        @Override
        public Flux<MeshConfig.LoadResult> updates() {
            return Flux.just(rules);
        }

        @Override
        public String describe() {
            return "overhead.yaml";
        }

        @Override
        public void close() {
        }
    }
}
