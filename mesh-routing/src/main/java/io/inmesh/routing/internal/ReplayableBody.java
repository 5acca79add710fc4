package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A request body kept whole so that retries and mirrored copies can send it again, as Envoy buffers
 * a request it may retry or shadow. Only a body of known length up to {@link #LIMIT} is kept; a
 * longer or chunked body streams once, and such a request is neither retried once its body started
 * nor mirrored with its body (Envoy, likewise, stops retrying a request whose body overflowed its
 * buffer).
 *
 * <p>The buffer is reference counted: the step that made it holds one reference until its call
 * ends, each send takes a retained duplicate, and a mirrored copy retains it until the copy is done.
 */
public final class ReplayableBody {

    /** The largest body kept for replay: 1 MiB, Envoy's default request buffer limit. */
    public static final int LIMIT = 1 << 20;

    private final ByteBuf content;

    private ReplayableBody(ByteBuf content) {
        this.content = content;
    }

    /**
     * {@code request} ready to be sent more than once: as it is when it has no body or already has a
     * replayable one, with its body read into memory when its {@code content-length} is at most
     * {@link #LIMIT}, and as it is (sendable once) otherwise; see {@link #isReplayable}.
     */
    public static Mono<MeshRequest> prepare(MeshRequest request) {
        if (!request.hasBody() || request.attribute(RoutingKeys.BODY) != null) {
            return Mono.just(request);
        }
        long length = contentLength(request);
        if (length < 0 || length > LIMIT) {
            return Mono.just(request);
        }
        return request.body()
                .collect(() -> Unpooled.buffer((int) length), (ByteBuf whole, ByteBuf chunk) -> {
                    try {
                        whole.writeBytes(chunk);
                    } finally {
                        chunk.release();
                    }
                })
                .map(whole -> {
                    ReplayableBody body = new ReplayableBody(whole);
                    return request.toBuilder().body(body.replay()).attribute(RoutingKeys.BODY, body).build();
                });
    }

    /** Whether {@code request} can be sent again: it has no body, or its body was kept by {@link #prepare}. */
    public static boolean isReplayable(MeshRequest request) {
        return !request.hasBody() || request.attribute(RoutingKeys.BODY) != null;
    }

    /** The body, afresh for every subscription. */
    public Flux<ByteBuf> replay() {
        return Flux.defer(() -> Flux.just(content.retainedDuplicate()));
    }

    /** Takes one more reference, for a holder that outlives the call (a mirrored copy). */
    public ReplayableBody retain() {
        content.retain();
        return this;
    }

    /** Gives one reference back. */
    public void release() {
        if (content.refCnt() > 0) {
            content.release();
        }
    }

    private static long contentLength(MeshRequest request) {
        String value = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
