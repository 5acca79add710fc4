package io.inmesh.routing.it;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

/**
 * A plain reactor-netty upstream on 127.0.0.1 (HTTP/1.1 and h2c on one port) that measures what the
 * client's limits must bound: requests in flight at once (and the most ever seen), connections
 * accepted and connections closed. An answer can be held back until the test {@linkplain #open()
 * opens the gate}, or delayed; the in-flight count drops before the response is written, so a client
 * that has its answer can never be counted twice.
 */
final class CountingUpstream implements AutoCloseable {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicReference<Sinks.Empty<Void>> gate = new AtomicReference<>(openGate());
    private volatile Supplier<Duration> delay = () -> Duration.ZERO;
    private final DisposableServer server;

    CountingUpstream() {
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .protocol(HttpProtocol.HTTP11, HttpProtocol.H2C)
                // Once per accepted TCP connection (HTTP/2 streams are child channels and do not count).
                .doOnChannelInit((observer, channel, remoteAddress) -> {
                    accepted.incrementAndGet();
                    channel.closeFuture().addListener(closing -> closed.incrementAndGet());
                })
                .handle((request, response) -> {
                    requests.incrementAndGet();
                    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    Duration wait = delay.get();
                    Mono<Void> held = gate.get().asMono();
                    return request.receive().then()
                            .then(held)
                            .then(wait.isZero() ? Mono.empty() : Mono.delay(wait).then())
                            .then(Mono.fromRunnable(inFlight::decrementAndGet))
                            .then(response.sendString(Mono.just("served")).then());
                })
                .bindNow();
    }

    private static Sinks.Empty<Void> openGate() {
        Sinks.Empty<Void> open = Sinks.empty();
        open.tryEmitEmpty();
        return open;
    }

    int port() {
        return server.port();
    }

    /** Holds every answer from now on until {@link #open()}. */
    void hold() {
        gate.set(Sinks.empty());
    }

    /** Lets every held answer go, and later ones straight through. */
    void open() {
        gate.getAndSet(openGate()).tryEmitEmpty();
    }

    /** Delays each answer by what {@code delay} returns (asked once per request, on an event loop). */
    void delay(Supplier<Duration> delay) {
        this.delay = delay;
    }

    int inFlight() {
        return inFlight.get();
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    void resetMaxInFlight() {
        maxInFlight.set(inFlight.get());
    }

    int requests() {
        return requests.get();
    }

    int acceptedConnections() {
        return accepted.get();
    }

    int closedConnections() {
        return closed.get();
    }

    int openConnections() {
        return accepted.get() - closed.get();
    }

    @Override
    public void close() {
        open();
        server.disposeNow(Duration.ofSeconds(5));
    }
}
