package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.Mesh;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.HttpProtocol;

/**
 * A 10 MB body streams through the mesh in both directions without being held whole anywhere: the
 * client takes the application's chunks as the connection can send them, the upstream (a MeshServer
 * whose response body is its request body) echoes them chunk by chunk, and the client hands the
 * response to the application while the request is still being sent. Over HTTP/1.1 and HTTP/2.
 *
 * <p>The proofs do not depend on timing. "The first response chunk came back before the last request
 * chunk was made" is true in practice but is no proof on loopback, where the kernel's socket buffers
 * can take a whole 10 MB request before the server reads any of it; so the tests show instead that (1)
 * the client holds at most a chunk or two of the request in memory at any time, whatever the
 * generator could produce, and (2) an exchange in which the application makes each request chunk
 * only after the echo of the chunk two before it came back, which would stall for good if any step
 * waited for the whole body, completes.
 */
@ExtendWith(BlockHoundExtension.class)
class BodyStreamingIT {

    private static final int CHUNK = 64 * 1024;
    private static final int CHUNKS = 160;
    private static final long SIZE = (long) CHUNK * CHUNKS;

    private static UpstreamWorkload echo;
    private static TestConfigSource source;

    @BeforeAll
    static void start() {
        echo = UpstreamWorkload.start("echo-v1", "echo", "v1",
                self -> request -> Mono.just(MeshResponse.of(200, new DefaultHttpHeaders().set("x-served-by", self.name()), request.body())));
        source = new TestConfigSource().push(Yaml.serviceEntry("echo"), echo.workloadEntry());
    }

    @AfterAll
    static void stop() {
        echo.close();
    }

    private static Mesh client(HttpProtocol protocol) {
        return Meshes.client(source, "productpage-v1", Map.of("app", "productpage"), builder -> builder.upstreamProtocol(protocol));
    }

    /**
     * Makes the request body lazily, one 64 KiB chunk of seeded random bytes per request, and keeps
     * count: of the chunks made, of their checksum, and of how many chunks made earlier were still
     * held (not yet written out and released by the transport) each time a new one was asked for.
     */
    private static final class Generator {
        final AtomicInteger made = new AtomicInteger();
        final AtomicInteger mostHeld = new AtomicInteger();
        final CRC32 checksum = new CRC32();
        private final Queue<ByteBuf> unreleased = new ConcurrentLinkedQueue<>();

        ByteBuf chunk(int index) {
            unreleased.removeIf(chunk -> chunk.refCnt() == 0);
            mostHeld.accumulateAndGet(unreleased.size(), Math::max);
            byte[] bytes = new byte[CHUNK];
            new SplittableRandom(index).nextBytes(bytes);
            checksum.update(bytes);
            made.incrementAndGet();
            ByteBuf chunk = Unpooled.wrappedBuffer(bytes);
            unreleased.add(chunk);
            return chunk;
        }

        /** As fast as it is asked. */
        Flux<ByteBuf> body() {
            return Flux.range(0, CHUNKS).map(this::chunk);
        }
    }

    /** What the client read of the response body. */
    private static final class Received {
        final AtomicLong bytes = new AtomicLong();
        final CRC32 checksum = new CRC32();

        long read(ByteBuf buffer) {
            try {
                byte[] content = new byte[buffer.readableBytes()];
                buffer.readBytes(content);
                checksum.update(content);
                return bytes.addAndGet(content.length);
            } finally {
                buffer.release();
            }
        }
    }

    private static Flux<ByteBuf> echoed(Mesh mesh, Flux<ByteBuf> body) {
        return mesh.client().post("http://echo:9080/echo").body(body).exchange()
                .flatMapMany(response -> {
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.headers().get("x-served-by")).isEqualTo("echo-v1");
                    return response.body();
                });
    }

    @ParameterizedTest
    @EnumSource(value = HttpProtocol.class, names = {"HTTP11", "H2C"})
    void tenMegabytesGoThereAndBackWhileTheClientHoldsAChunkOrTwo(HttpProtocol protocol) {
        Generator generator = new Generator();
        Received received = new Received();
        try (Mesh mesh = client(protocol)) {
            echoed(mesh, generator.body()).doOnNext(received::read).blockLast(Duration.ofSeconds(30));
        }

        assertThat(generator.made).hasValue(CHUNKS);
        assertThat(received.bytes).hasValue(SIZE);
        assertThat(received.checksum.getValue()).isEqualTo(generator.checksum.getValue());
        // The generator could have made all 160 chunks at once; the client asked for the next one only
        // when the previous ones had gone out.
        assertThat(generator.mostHeld.get()).as("request chunks held by the client at once").isLessThanOrEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(value = HttpProtocol.class, names = {"HTTP11", "H2C"})
    void theEchoComesBackWhileTheRequestIsStillBeingMade(HttpProtocol protocol) {
        int window = 2;
        Generator generator = new Generator();
        Received received = new Received();
        Sinks.Many<Long> echoedBytes = Sinks.many().replay().latest();
        echoedBytes.tryEmitNext(0L);
        // Chunk n is made only once the echo of chunk n - 2 is back.
        Flux<ByteBuf> body = Flux.range(0, CHUNKS)
                .concatMap(index -> echoedBytes.asFlux()
                        .filter(bytes -> bytes >= (long) (index - window) * CHUNK)
                        .next()
                        .map(ready -> generator.chunk(index)), 0);
        try (Mesh mesh = client(protocol)) {
            echoed(mesh, body).doOnNext(buffer -> echoedBytes.tryEmitNext(received.read(buffer))).blockLast(Duration.ofSeconds(30));
        }

        assertThat(generator.made).hasValue(CHUNKS);
        assertThat(received.bytes).hasValue(SIZE);
        assertThat(received.checksum.getValue()).isEqualTo(generator.checksum.getValue());
    }
}
