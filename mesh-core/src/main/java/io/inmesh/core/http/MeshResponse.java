package io.inmesh.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An HTTP response: status, headers and a streamed body of reference-counted buffers, which the
 * receiver must consume (or {@link #releaseBody() release}) exactly once. A response the mesh
 * produced itself, not the upstream, carries the {@link ResponseFlag} that says why.
 */
public final class MeshResponse {

    /** The header that lists the flags of a response the mesh produced or shaped. */
    public static final String FLAGS_HEADER = "x-inmesh-response-flags";

    private final int status;
    private final HttpHeaders headers;
    private final Flux<ByteBuf> body;
    private final Set<ResponseFlag> flags;

    private MeshResponse(int status, HttpHeaders headers, Flux<ByteBuf> body, Set<ResponseFlag> flags) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status " + status + " (expected 100..999)");
        }
        this.status = status;
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = Objects.requireNonNull(body, "body");
        this.flags = flags;
    }

    /** A response from the upstream or the application. */
    public static MeshResponse of(int status, HttpHeaders headers, Flux<ByteBuf> body) {
        return new MeshResponse(status, headers, body, Set.of());
    }

    /** A response with a text body, for applications and tests. */
    public static MeshResponse text(int status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpHeaders headers = new DefaultHttpHeaders()
                .set("content-type", "text/plain; charset=utf-8")
                .setInt("content-length", bytes.length);
        return new MeshResponse(status, headers, Flux.defer(() -> Flux.just(io.netty.buffer.Unpooled.wrappedBuffer(bytes))), Set.of());
    }

    /** The response the mesh answers with instead of the upstream when {@code failure} happens. */
    public static MeshResponse of(MeshException failure) {
        MeshResponse response = text(failure.status(), failure.reason() + "\n");
        for (ResponseFlag flag : failure.flags()) {
            response = response.withFlag(flag);
        }
        return response;
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

    /**
     * Why the mesh produced or shaped this response, or {@code null} for a response the upstream gave
     * as it is: the first of {@link #flags()}.
     */
    public ResponseFlag flag() {
        return flags.isEmpty() ? null : flags.iterator().next();
    }

    /** Every flag of this response, in the order the mesh set them ({@code DI}, then {@code UT}, …); empty for a plain upstream response. */
    public Set<ResponseFlag> flags() {
        return flags;
    }

    /**
     * This response with one more flag, also listed in the {@value #FLAGS_HEADER} header as Envoy's
     * access log lists them ({@code DI,URX}).
     */
    public MeshResponse withFlag(ResponseFlag flag) {
        Objects.requireNonNull(flag, "flag");
        if (flags.contains(flag)) {
            return this;
        }
        Set<ResponseFlag> more = new LinkedHashSet<>(flags);
        more.add(flag);
        StringBuilder names = new StringBuilder();
        for (ResponseFlag each : more) {
            names.append(names.length() == 0 ? "" : ",").append(each.name());
        }
        headers.set(FLAGS_HEADER, names.toString());
        return new MeshResponse(status, headers, body, Collections.unmodifiableSet(more));
    }

    /** This response with other headers. */
    public MeshResponse withHeaders(HttpHeaders headers) {
        return new MeshResponse(status, headers, body, flags);
    }

    /** This response with another body, such as one that counts or times the original's chunks. */
    public MeshResponse withBody(Flux<ByteBuf> body) {
        return new MeshResponse(status, headers, body, flags);
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
        return status + (flags.isEmpty() ? "" : " " + flags);
    }
}
