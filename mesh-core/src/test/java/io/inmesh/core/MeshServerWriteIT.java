package io.inmesh.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.testing.BlockHoundExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * How a {@link MeshServer} puts a response on the wire, seen from a plain socket: a whole body in
 * the same write as the headers, a body still being produced streamed as it comes.
 */
@ExtendWith(BlockHoundExtension.class)
class MeshServerWriteIT {

    private static final String BODY = "r".repeat(1024);

    private final Mesh mesh = Mesh.builder()
            .workload(LocalWorkload.of("reviews-v1", "bookinfo", Map.of("app", "reviews")))
            .discoverExtensions(false)
            .build();

    @AfterEach
    void close() {
        mesh.close();
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static Socket get(MeshServer server) throws IOException {
        Socket socket = new Socket(server.host(), server.port());
        socket.setSoTimeout(5000);
        socket.getOutputStream().write("GET /reviews/0 HTTP/1.1\r\nHost: reviews\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** What one read returns: the bytes of the first segment(s) that arrived. */
    private static String readOnce(InputStream in) throws IOException {
        byte[] buffer = new byte[65536];
        int n = in.read(buffer);
        return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void aWholeBodyLeavesInTheSameWriteAsTheHeaders() throws IOException {
        try (MeshServer server = mesh.server(request -> Mono.just(MeshResponse.of(200,
                        new DefaultHttpHeaders().set("content-type", "text/plain").setInt("content-length", BODY.length()),
                        Flux.defer(() -> Flux.just(ascii(BODY))))))
                .bind();
             Socket socket = get(server)) {

            // Written separately, the headers arrive alone and the first read ends with them.
            String first = readOnce(socket.getInputStream());

            assertThat(first).startsWith("HTTP/1.1 200 OK\r\n").contains("content-length: 1024\r\n").endsWith("\r\n\r\n" + BODY);
        }
    }

    @Test
    void aBodyStillBeingProducedIsStreamedWithoutWaitingForItsEnd() throws IOException {
        Sinks.One<ByteBuf> secondPart = Sinks.one();
        try (MeshServer server = mesh.server(request -> Mono.just(MeshResponse.of(200,
                        new DefaultHttpHeaders().set("content-type", "text/event-stream"),
                        Flux.concat(Mono.fromSupplier(() -> ascii("data: first\n\n")), secondPart.asMono()))))
                .bind();
             Socket socket = get(server)) {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            while (!seen.toString(StandardCharsets.US_ASCII).contains("data: first")) {
                seen.writeBytes(readOnce(in).getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(seen.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200 OK\r\n")
                    .as("chunked, so that the connection outlives the body").contains("transfer-encoding: chunked")
                    .doesNotContain("connection: close");

            secondPart.tryEmitValue(ascii("data: second\n\n"));
            while (!seen.toString(StandardCharsets.US_ASCII).endsWith("0\r\n\r\n")) {
                seen.writeBytes(readOnce(in).getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(seen.toString(StandardCharsets.US_ASCII)).contains("data: second");
        }
    }

    @Test
    void anEmptyBodyEndsTheResponse() throws IOException {
        try (MeshServer server = mesh.server(request -> Mono.just(MeshResponse.of(204, new DefaultHttpHeaders(), Flux.empty())))
                .bind();
             Socket socket = get(server)) {

            assertThat(readOnce(socket.getInputStream())).startsWith("HTTP/1.1 204 No Content\r\n").endsWith("\r\n\r\n");
        }
    }
}
