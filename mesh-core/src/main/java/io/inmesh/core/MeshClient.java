package io.inmesh.core;

import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The mesh's outbound HTTP client. The application calls a logical URL, such as
 * {@code http://reviews:9080/reviews/1}; the client stack decides which version of which service
 * answers and sends the request to one of its endpoints over pooled connections. Bodies stream in
 * both directions; the {@code Host} header stays what the application called.
 *
 * <p>When the mesh itself cannot carry a request out (no route, no endpoint, connection refused,
 * egress blocked), the {@code Mono} fails with a {@link MeshException} that gives the status, the
 * Envoy response flag and a reason. Responses from the upstream, whatever their status, are
 * emitted as they are. Never blocks; see {@link #blocking()} for callers that must.
 */
public final class MeshClient {

    private final Mesh mesh;

    MeshClient(Mesh mesh) {
        this.mesh = mesh;
    }

    /** Runs {@code request} through the client stack. The response body must be consumed or released. */
    public Mono<MeshResponse> exchange(MeshRequest request) {
        return mesh.outbound(Objects.requireNonNull(request, "request"));
    }

    /** A GET of {@code url}. */
    public RequestSpec get(String url) {
        return new RequestSpec(MeshRequest.builder(HttpMethod.GET, url));
    }

    /** A POST to {@code url}. */
    public RequestSpec post(String url) {
        return new RequestSpec(MeshRequest.builder(HttpMethod.POST, url));
    }

    /** A request of any method. */
    public RequestSpec method(HttpMethod method, String url) {
        return new RequestSpec(MeshRequest.builder(method, url));
    }

    /** A client for callers that cannot be reactive; it refuses to run on an event-loop thread. */
    public BlockingMeshClient blocking() {
        return new BlockingMeshClient(this);
    }

    /** A request being built. */
    public final class RequestSpec {
        private final MeshRequest.Builder builder;

        private RequestSpec(MeshRequest.Builder builder) {
            this.builder = builder;
        }

        public RequestSpec header(String name, String value) {
            builder.header(name, value);
            return this;
        }

        /** A streamed body; set {@code content-length} or it is sent chunked. */
        public RequestSpec body(Flux<ByteBuf> body) {
            builder.body(body);
            return this;
        }

        /** A text body, UTF-8. */
        public RequestSpec body(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            builder.setHeader("content-length", bytes.length);
            builder.body(Flux.defer(() -> Flux.just(Unpooled.wrappedBuffer(bytes))));
            return this;
        }

        public MeshRequest build() {
            return builder.build();
        }

        /** Sends it; the response body must be consumed or released. */
        public Mono<MeshResponse> exchange() {
            return MeshClient.this.exchange(builder.build());
        }

        /** Sends it and reads the whole body as text, whatever the status. */
        public Mono<String> retrieve() {
            return exchange().flatMap(MeshResponse::bodyAsString);
        }
    }
}
