package io.inmesh.core;

import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import reactor.core.scheduler.Schedulers;

/**
 * The {@link MeshClient} for code that waits for its answers, such as a servlet. It refuses to run
 * on an event-loop thread, where waiting would stall every connection of that loop: reactive code
 * must use {@link MeshClient} itself.
 */
public final class BlockingMeshClient {

    /** How long a call waits at most unless told otherwise: the route's own timeout normally ends it first. */
    public static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);

    private final MeshClient client;

    BlockingMeshClient(MeshClient client) {
        this.client = client;
    }

    /**
     * A complete response.
     *
     * @param status the status code
     * @param headers the headers
     * @param body the whole body
     */
    public record Response(int status, HttpHeaders headers, byte[] body) {
        public Response {
            Objects.requireNonNull(headers, "headers");
            body = body.clone();
        }

        /** The body as UTF-8 text. */
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public byte[] body() {
            return body.clone();
        }
    }

    /** Sends {@code request} and waits for the whole response; throws {@link MeshException} when the mesh fails it. */
    public Response send(MeshRequest request) {
        return send(request, DEFAULT_WAIT);
    }

    /** As {@link #send(MeshRequest)}, waiting at most {@code wait}. */
    public Response send(MeshRequest request, Duration wait) {
        if (Schedulers.isInNonBlockingThread()) {
            throw new IllegalStateException("BlockingMeshClient called on " + Thread.currentThread().getName()
                    + ", a non-blocking thread; use MeshClient there");
        }
        return client.exchange(request)
                .flatMap(response -> response.bodyAsBytes().map(body -> new Response(response.status(), response.headers(), body)))
                .block(wait);
    }

    /** A GET of {@code url}, its whole response. */
    public Response get(String url) {
        return send(client.get(url).build());
    }
}
