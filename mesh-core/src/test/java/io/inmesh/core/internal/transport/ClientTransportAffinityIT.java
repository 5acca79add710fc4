package io.inmesh.core.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.Upstream;
import io.inmesh.core.testing.BlockHoundExtension;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

/**
 * A request a server handler sends through the transport goes out and comes back on the event loop
 * the handler runs on (one pool per loop), instead of hopping to whichever loop owns an idle
 * connection and back.
 */
@ExtendWith(BlockHoundExtension.class)
class ClientTransportAffinityIT {

    @Test
    void aHandlersUpstreamCallStaysOnTheHandlersEventLoop() {
        DisposableServer backend = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> response.sendString(Mono.just("ratings")))
                .bindNow();
        Set<String> loopsSeen = ConcurrentHashMap.newKeySet();
        List<String> hops = new CopyOnWriteArrayList<>();
        try (ClientTransport transport = new ClientTransport("affinity", HttpProtocol.HTTP11)) {
            Upstream upstream = new Upstream("127.0.0.1", backend.port(), "outbound|9080||ratings");
            DisposableServer frontend = HttpServer.create().host("127.0.0.1").port(0)
                    .handle((request, response) -> {
                        Thread handler = Thread.currentThread();
                        loopsSeen.add(handler.getName());
                        MeshRequest call = MeshRequest.builder(HttpMethod.GET, "http://ratings:9080/ratings/0").build();
                        return response.send(transport.send(call, upstream, new DefaultHttpHeaders())
                                .flatMapMany(MeshResponse::body)
                                .doOnNext(chunk -> {
                                    if (Thread.currentThread() != handler) {
                                        hops.add(handler.getName() + " -> " + Thread.currentThread().getName());
                                    }
                                }));
                    })
                    .bindNow();
            // Many connections to the frontend, so that its handlers run on every event loop, with
            // calls overlapping, so that the upstream connections are many and on several loops.
            ConnectionProvider callers = ConnectionProvider.builder("callers").maxConnections(32).build();
            HttpClient client = HttpClient.create(callers).host("127.0.0.1").port(frontend.port());
            List<String> answers = Flux.range(0, 400)
                    .flatMap(i -> client.get().uri("/").responseContent().aggregate().asString(), 32)
                    .collectList()
                    .block(Duration.ofSeconds(30));

            assertThat(answers).hasSize(400).containsOnly("ratings");
            assertThat(loopsSeen).as("handlers ran on several event loops").hasSizeGreaterThan(1);
            assertThat(hops).as("upstream answers delivered on another loop than the handler's").isEmpty();
            callers.disposeLater().block(Duration.ofSeconds(5));
            frontend.disposeNow();
        } finally {
            backend.disposeNow();
        }
    }
}
