package io.inmesh.core;

import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.Downstream;
import io.inmesh.core.http.PeerIdentity;
import io.inmesh.core.internal.transport.BodyHead;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * An HTTP server on reactor-netty whose requests pass the mesh's server stack before the
 * application's {@link MeshHandler}. The caller's identity, where known, is the request's
 * {@link PeerIdentity#KEY} attribute. Bodies stream in both directions.
 */
public final class MeshServer implements AutoCloseable {

    private final DisposableServer server;

    private MeshServer(DisposableServer server) {
        this.server = server;
    }

    static Builder builder(Mesh mesh, MeshHandler handler) {
        return new Builder(mesh, handler);
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /** The bound host. */
    public String host() {
        return server.host();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }

    /**
     * The mesh's server stack in front of {@code handler} as a function of {@link MeshRequest}, for
     * a framework that brings its own server (it converts its requests and responses itself) and for
     * measuring the stack without the network. Build it once and reuse it: each call reads the
     * mesh's current rules. A policy's refusal is a {@link MeshException} error of the returned
     * {@link Mono}, which the caller turns into a response ({@link MeshResponse#of(MeshException)}).
     */
    public static java.util.function.Function<MeshRequest, Mono<MeshResponse>> stack(Mesh mesh, MeshHandler handler) {
        Objects.requireNonNull(mesh, "mesh");
        Objects.requireNonNull(handler, "handler");
        return mesh.inbound(handler);
    }

    /**
     * The reactor-netty handler that runs {@code handler} behind the mesh's server stack, for an
     * application that configures its own {@link HttpServer}.
     */
    public static java.util.function.BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler(
            Mesh mesh, MeshHandler handler) {
        Objects.requireNonNull(mesh, "mesh");
        Objects.requireNonNull(handler, "handler");
        java.util.function.Function<MeshRequest, Mono<MeshResponse>> stack = stack(mesh, handler);
        return (request, response) -> {
            MeshRequest meshRequest = toMeshRequest(request);
            return stack.apply(meshRequest)
                    .onErrorResume(MeshException.class, failure -> Mono.just(MeshResponse.of(failure)))
                    .flatMap(meshResponse -> send(meshResponse, response));
        };
    }

    /**
     * Writes the response. A body that is whole by the time its first chunk comes goes out with the
     * headers in one write (one system call, one packet, as the peer reads it); any other body is
     * streamed after the headers as it comes. Writing the headers alone first, as a streamed send
     * does, costs a write, a read on the other side and two changes of the socket's interest set per
     * response.
     */
    private static Mono<Void> send(MeshResponse meshResponse, HttpServerResponse response) {
        response.status(meshResponse.status()).headers(meshResponse.headers());
        Executor eventLoop = task -> response.withConnection(connection -> connection.channel().eventLoop().execute(task));
        return BodyHead.of(meshResponse.body(), eventLoop).flatMap(head -> {
            ByteBuf whole = head.whole();
            if (whole == null) {
                HttpHeaders headers = response.responseHeaders();
                if (response.version() == HttpVersion.HTTP_1_1 && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)
                        && !headers.containsValue(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true)) {
                    // Without a length reactor-netty would end the body by closing the connection; chunked keeps it.
                    headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                }
                return response.send(head.stream()).then();
            }
            if (whole.readableBytes() == 0) {
                return response.send().then();
            }
            return response.sendObject(whole).then();
        });
    }

    private static MeshRequest toMeshRequest(HttpServerRequest request) {
        String host = request.requestHeaders().get(HttpHeaderNames.HOST);
        String authority = host != null ? host : request.hostName() + ":" + request.hostPort();
        String uri = request.uri();
        int question = uri.indexOf('?');
        String path = question < 0 ? uri : uri.substring(0, question);
        String query = question < 0 ? null : uri.substring(question + 1);
        MeshRequest.Builder builder = MeshRequest.builder(request.method(), request.scheme() + "://" + authority + "/")
                .pathAndQuery(path.isEmpty() ? "/" : path, query)
                .headers(request.requestHeaders())
                .body(request.receive().retain());
        builder.attribute(Downstream.KEY, new Downstream(request.remoteAddress(), request.hostAddress(),
                request.version().majorVersion() == 2 ? "HTTP/2" : request.version().text()));
        PeerIdentity peer = PeerIdentity.fromHeader(request.requestHeaders().get(PeerIdentity.HEADER));
        if (peer != null) {
            builder.attribute(PeerIdentity.KEY, peer);
        }
        return builder.build();
    }

    /** Configures and binds a {@link MeshServer}. */
    public static final class Builder {
        private final Mesh mesh;
        private final MeshHandler handler;
        private String host = "127.0.0.1";
        private int port;
        private HttpProtocol[] protocols = {HttpProtocol.HTTP11, HttpProtocol.H2C};

        private Builder(Mesh mesh, MeshHandler handler) {
            this.mesh = Objects.requireNonNull(mesh, "mesh");
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /** The address to bind; loopback by default. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " (expected 0..65535)");
            }
            this.port = port;
            return this;
        }

        /** The protocols served; HTTP/1.1 and HTTP/2 cleartext by default. */
        public Builder protocols(HttpProtocol... protocols) {
            this.protocols = protocols.clone();
            return this;
        }

        /** Binds the server; waits for the socket, so call it at start-up, not on an event loop. */
        public MeshServer bind() {
            DisposableServer server = HttpServer.create()
                    .host(host)
                    .port(port)
                    .protocol(protocols)
                    .handle(MeshServer.handler(mesh, handler))
                    .bindNow();
            return new MeshServer(server);
        }
    }
}
