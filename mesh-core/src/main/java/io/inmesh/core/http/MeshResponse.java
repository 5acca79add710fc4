package io.inmesh.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An HTTP response: status, headers and a streamed body of reference-counted buffers, which the
 * receiver must consume (or {@link #releaseBody() release}) exactly once. A response the mesh
 * produced itself, not the upstream, carries the {@link ResponseFlag} that says why.
 */
public final class MeshResponse {

    private final int status;
    private final HttpHeaders headers;
    private final Flux<ByteBuf> body;
    private final ResponseFlag flag;

    private MeshResponse(int status, HttpHeaders headers, Flux<ByteBuf> body, ResponseFlag flag) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status " + status + " (expected 100..999)");
        }
        this.status = status;
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = Objects.requireNonNull(body, "body");
        this.flag = flag;
    }

    /** A response from the upstream or the application. */
    public static MeshResponse of(int status, HttpHeaders headers, Flux<ByteBuf> body) {
        return new MeshResponse(status, headers, body, null);
    }

    /** A response with a text body, for applications and tests. */
    public static MeshResponse text(int status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpHeaders headers = new DefaultHttpHeaders()
                .set("content-type", "text/plain; charset=utf-8")
                .setInt("content-length", bytes.length);
        return new MeshResponse(status, headers, Flux.defer(() -> Flux.just(io.netty.buffer.Unpooled.wrappedBuffer(bytes))), null);
    }

    /** The response the mesh answers with instead of the upstream when {@code failure} happens. */
    public static MeshResponse of(MeshException failure) {
        MeshResponse response = text(failure.status(), failure.reason() + "\n");
        response.headers.set("x-inmesh-response-flags", failure.flag().name());
        return new MeshResponse(failure.status(), response.headers, response.body, failure.flag());
    }

    public int status() {
        return status;
    }

    public HttpHeaders headers() {
        return headers;
    }

    /** The body, streamed; subscribe once. */
    public Flux<ByteBuf> body() {
        return body;
    }

    /** Why the mesh produced this response itself, or {@code null} for an upstream response. */
    public ResponseFlag flag() {
        return flag;
    }

    /** This response with other headers. */
    public MeshResponse withHeaders(HttpHeaders headers) {
        return new MeshResponse(status, headers, body, flag);
    }

    /** The whole body as text (UTF-8 unless the content type says otherwise); buffers are released. */
    public Mono<String> bodyAsString() {
        Charset charset = charsetOf(headers.get("content-type"));
        return body.collectList().map(buffers -> {
            StringBuilder text = new StringBuilder();
            for (ByteBuf buffer : buffers) {
                try {
                    text.append(buffer.toString(charset));
                } finally {
                    buffer.release();
                }
            }
            return text.toString();
        });
    }

    /** The whole body as bytes; buffers are released. */
    public Mono<byte[]> bodyAsBytes() {
        return body.collectList().map(buffers -> {
            int size = buffers.stream().mapToInt(ByteBuf::readableBytes).sum();
            byte[] bytes = new byte[size];
            int offset = 0;
            for (ByteBuf buffer : buffers) {
                try {
                    int length = buffer.readableBytes();
                    buffer.getBytes(buffer.readerIndex(), bytes, offset, length);
                    offset += length;
                } finally {
                    buffer.release();
                }
            }
            return bytes;
        });
    }

    /** Consumes and releases the body without reading it. */
    public Mono<Void> releaseBody() {
        return body.doOnNext(ByteBuf::release).then();
    }

    private static Charset charsetOf(String contentType) {
        if (contentType != null) {
            int at = contentType.toLowerCase(java.util.Locale.ROOT).indexOf("charset=");
            if (at >= 0) {
                try {
                    return Charset.forName(contentType.substring(at + 8).trim().replace("\"", ""));
                } catch (RuntimeException ignored) {
                    // an unknown charset: fall back to UTF-8
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    @Override
    public String toString() {
        return status + (flag == null ? "" : " " + flag);
    }
}
