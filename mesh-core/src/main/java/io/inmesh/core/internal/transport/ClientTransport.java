package io.inmesh.core.internal.transport;

import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.Upstream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.ConnectException;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.NettyOutbound;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;

/**
 * The wire step of the client stack: sends a request to the endpoint the stack chose, over pooled
 * connections, streaming both bodies. The {@code Host} header stays the authority the application
 * called, not the endpoint's address, as a sidecar keeps it.
 */
public final class ClientTransport implements AutoCloseable {

    private final ConnectionProvider pool;
    private final HttpClient http;

    /**
     * @param name names the connection pool in metrics and logs
     * @param protocol {@link HttpProtocol#HTTP11}, or {@link HttpProtocol#H2C} for HTTP/2 over cleartext
     *     with prior knowledge
     */
    public ClientTransport(String name, HttpProtocol protocol) {
        this.pool = ConnectionProvider.builder("inmesh-" + name)
                .maxConnections(1024)
                .pendingAcquireMaxCount(-1)
                .maxIdleTime(Duration.ofSeconds(60))
                .build();
        this.http = HttpClient.create(pool).protocol(protocol).compress(false).followRedirect(false);
    }

    /** Sends {@code request} to {@code upstream}, adding the given extra headers. */
    public Mono<MeshResponse> send(MeshRequest request, Upstream upstream, HttpHeaders extraHeaders) {
        HttpClient.RequestSender sender = http
                .headers(headers -> {
                    // set(HttpHeaders) replaces everything; the extra headers are added with setAll.
                    headers.set(request.headers());
                    headers.setAll(extraHeaders);
                    headers.set(HttpHeaderNames.HOST, request.authority());
                })
                .request(request.method())
                .uri("http://" + upstream + request.pathAndQuery());
        HttpClient.ResponseReceiver<?> receiver = request.hasBody()
                ? sender.send((outboundRequest, outbound) -> streamed(request.body(), outbound))
                : sender;
        return receiver
                .responseConnection((response, connection) -> Mono.just(MeshResponse.of(
                        response.status().code(),
                        response.responseHeaders(),
                        connection.inbound().receive().retain())))
                .next()
                .onErrorMap(error -> classify(error, upstream));
    }

    /**
     * Writes the body one chunk at a time, taking the next chunk from the application only when the
     * previous one is written to the socket (or, over HTTP/2, when flow control let it go). Handing the
     * whole body to {@code outbound.send} would let reactor-netty pull up to 256 chunks ahead of the
     * network: a 10 MB upload in 64 KiB chunks would sit in memory whole before its first byte left.
     */
    private static Flux<Void> streamed(Flux<ByteBuf> body, NettyOutbound outbound) {
        return body.concatMap(chunk -> outbound.send(Flux.just(chunk)).then(), 0);
    }

    private static Throwable classify(Throwable error, Upstream upstream) {
        if (error instanceof MeshException) {
            return error;
        }
        Throwable cause = error;
        while (cause != null) {
            if (cause instanceof java.net.UnknownHostException) {
                return new MeshException.UpstreamConnectFailure(
                        "cannot resolve upstream " + upstream.address() + " (" + upstream.cluster() + "): " + cause.getMessage(), error);
            }
            if (cause instanceof ConnectException || cause instanceof ConnectTimeoutException) {
                return new MeshException.UpstreamConnectFailure(
                        "upstream connect error to " + upstream + " (" + upstream.cluster() + "): " + cause.getMessage(), error);
            }
            if (cause instanceof PrematureCloseException) {
                return new MeshException.UpstreamReset(
                        "upstream " + upstream + " (" + upstream.cluster() + ") closed the connection before responding", error);
            }
            cause = cause.getCause();
        }
        return error;
    }

    @Override
    public void close() {
        pool.disposeLater().block(Duration.ofSeconds(5));
    }
}
