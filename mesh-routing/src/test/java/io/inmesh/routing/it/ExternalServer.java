package io.inmesh.routing.it;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A plain HTTP server outside the mesh, on 127.0.0.1, that counts the connections it accepts: the
 * proof that a refused call never reached the network, and the requests it answers.
 */
final class ExternalServer implements AutoCloseable {

    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final DisposableServer server;

    ExternalServer() {
        // doOnChannelInit runs once per accepted connection (doOnConnection would run once per request).
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .doOnChannelInit((observer, channel, remoteAddress) -> accepted.incrementAndGet())
                .handle((request, response) -> {
                    requests.incrementAndGet();
                    return response.sendString(Mono.just("external"));
                })
                .bindNow();
    }

    int port() {
        return server.port();
    }

    /** How many connections it accepted so far. */
    int acceptedConnections() {
        return accepted.get();
    }

    /** How many requests it answered so far. */
    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }
}
