package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.MeshServer;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

/**
 * A mesh configured with {@code upstreamProtocol(H2C)} talks HTTP/2 with prior knowledge to its
 * upstreams. Two pieces of server-side evidence, without touching main code: the default
 * {@link MeshServer} (HTTP/1.1 and H2C on one port) sees the {@code x-http2-stream-id} header that
 * Netty's HTTP/2-to-HTTP/1 conversion adds to every HTTP/2 request and never to an HTTP/1.1 one; and
 * a server that speaks H2C only (the mesh's handler on a plain reactor-netty server) records the
 * request's protocol version, HTTP/2.0.
 */
@ExtendWith(BlockHoundExtension.class)
class Http2CleartextIT {

    private static final String STREAM_ID = "x-http2-stream-id";

    private static UpstreamWorkload reviews;
    private static Mesh ratingsMesh;
    private static DisposableServer ratingsH2cOnly;
    private static final Queue<HttpVersion> ratingsVersions = new ConcurrentLinkedQueue<>();
    private static TestConfigSource source;

    @BeforeAll
    static void start() {
        reviews = UpstreamWorkload.start("reviews-v1", "reviews", "v1");
        ratingsMesh = Mesh.builder().workload(LocalWorkload.of("ratings-v1", "bookinfo", Map.of("app", "ratings", "version", "v1"))).build();
        // The mesh's own handler, on a server configured by the application to speak H2C only.
        var meshHandler = MeshServer.handler(ratingsMesh, request -> request.body().doOnNext(ByteBuf::release)
                .then(Mono.just(MeshResponse.text(200, "ratings-v1 saw " + request.authority()))));
        ratingsH2cOnly = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .protocol(HttpProtocol.H2C)
                .handle((request, response) -> {
                    ratingsVersions.add(request.version());
                    return meshHandler.apply(request, response);
                })
                .bindNow();
        source = new TestConfigSource().push(Yaml.serviceEntry("reviews"), reviews.workloadEntry(),
                Yaml.serviceEntry("ratings"), Yaml.workloadEntry("ratings-v1", "ratings", "v1", ratingsH2cOnly.port()));
    }

    @AfterAll
    static void stop() {
        ratingsH2cOnly.disposeNow(Duration.ofSeconds(5));
        ratingsMesh.close();
        reviews.close();
    }

    private static Mesh client(HttpProtocol protocol) {
        return Meshes.client(source, "productpage-v1", Map.of("app", "productpage"), builder -> builder.upstreamProtocol(protocol));
    }

    @Test
    void anH2cMeshSpeaksHttp2ToAMeshServer() {
        int before = reviews.seen().size();
        try (Mesh mesh = client(HttpProtocol.H2C)) {
            assertThat(Meshes.get(mesh, "http://reviews:9080/reviews/1")).isEqualTo("reviews-v1");
        }
        UpstreamWorkload.Seen seen = reviews.seen().get(before);
        assertThat(seen.headers().get(STREAM_ID)).as("HTTP/2 stream id").isNotNull();
        // The authority the application called travels as :authority.
        assertThat(seen.authority()).isEqualTo("reviews:9080");
    }

    @Test
    void anHttp11MeshSpeaksHttp11ToTheSameServer() {
        int before = reviews.seen().size();
        try (Mesh mesh = client(HttpProtocol.HTTP11)) {
            assertThat(Meshes.get(mesh, "http://reviews:9080/reviews/1")).isEqualTo("reviews-v1");
        }
        assertThat(reviews.seen().get(before).headers().contains(STREAM_ID)).isFalse();
    }

    @Test
    void anH2cOnlyServerAnswersAnH2cMeshAndSeesHttp2() {
        ratingsVersions.clear();
        try (Mesh mesh = client(HttpProtocol.H2C)) {
            assertThat(Meshes.get(mesh, "http://ratings:9080/ratings/1")).isEqualTo("ratings-v1 saw ratings:9080");
            // Several requests, one of them with a body, multiplexed over the connection.
            assertThat(Flux.range(0, 20)
                    .flatMap(i -> mesh.client().post("http://ratings:9080/ratings/" + i).body("stars=" + i).retrieve())
                    .collectList()
                    .block(Meshes.WAIT)).hasSize(20).containsOnly("ratings-v1 saw ratings:9080");
        }
        assertThat(ratingsVersions).hasSize(21).containsOnly(HttpVersion.valueOf("HTTP/2.0"));
    }

    @Test
    void anHttp2ResponseStreamsItsBody() {
        try (Mesh mesh = client(HttpProtocol.H2C)) {
            MeshResponse response = mesh.client().get("http://reviews:9080/reviews/1").exchange().block(Meshes.WAIT);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers().get("x-served-by")).isEqualTo("reviews-v1");
            assertThat(response.bodyAsString().block(Meshes.WAIT)).isEqualTo("reviews-v1");
        }
    }
}
