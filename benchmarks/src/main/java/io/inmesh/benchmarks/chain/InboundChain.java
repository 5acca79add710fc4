package io.inmesh.benchmarks.chain;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.MeshServer;
import io.inmesh.core.http.Downstream;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.PeerIdentity;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * The whole inbound chain without the network: a request as {@link MeshServer} makes it from the
 * wire (headers, downstream address, the caller's declared identity) passes the server stack
 * ({@link MeshServer#stack}: the stages this version has, the authorization gate and, when on,
 * telemetry) and reaches a handler that answers 1 KiB; the body is read to the end.
 *
 * <p>{@code telemetry}: {@code off}, or {@code all-sampled} (metrics and a sampled server span).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class InboundChain {

    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 50_000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 9080);

    @Param({"off", "all-sampled"})
    public String telemetry;

    private Mesh mesh;
    private ChainTelemetry telemetrySetup;
    private Function<MeshRequest, Mono<MeshResponse>> stack;
    private String peerHeader;

    @Setup(Level.Trial)
    public void start() {
        telemetrySetup = ChainTelemetry.of(telemetry);
        mesh = telemetrySetup.mesh(LocalWorkload.of("reviews-v2", "bookinfo", Map.of("app", "reviews", "version", "v2")))
                .build();
        mesh.ready().block();
        stack = MeshServer.stack(mesh, request -> ChainRules.respond(request.body()));
        peerHeader = new PeerIdentity("productpage-v1", "bookinfo", Map.of("app", "productpage", "version", "v1"),
                null, false).toHeader();
    }

    @TearDown(Level.Trial)
    public void stop() {
        mesh.close();
        telemetrySetup.close();
    }

    /** One request as MeshServer builds it from what a calling mesh sends, through the stack to the handler. */
    @Benchmark
    public int serve() {
        PeerIdentity peer = PeerIdentity.fromHeader(peerHeader);
        MeshRequest request = MeshRequest.builder(HttpMethod.GET, "http://reviews.bookinfo.svc.cluster.local:9080/")
                .pathAndQuery("/reviews/0", null)
                .header("host", "reviews.bookinfo.svc.cluster.local:9080")
                .header("end-user", "jason")
                .header("user-agent", "inmesh-benchmark")
                .header(PeerIdentity.HEADER, peerHeader)
                .body(Flux.empty())
                .attribute(Downstream.KEY, new Downstream(REMOTE, LOCAL, "HTTP/1.1"))
                .attribute(PeerIdentity.KEY, peer)
                .build();
        MeshResponse response = stack.apply(request)
                .onErrorResume(MeshException.class, failure -> Mono.just(MeshResponse.of(failure)))
                .block();
        if (response.status() != 200) {
            throw new IllegalStateException("status " + response.status());
        }
        return ChainRules.readBody(response);
    }
}
