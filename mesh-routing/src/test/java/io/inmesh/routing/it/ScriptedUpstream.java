package io.inmesh.routing.it;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A plain HTTP upstream on 127.0.0.1 whose answers a test scripts request by request: a status
 * after an optional delay, or a connection closed without an answer (a reset). It records each
 * request's body, attempt count and the call it belongs to ({@code x-call}), and the most requests it
 * had in flight at once, in all and among retries ({@code x-envoy-attempt-count} above 1).
 */
final class ScriptedUpstream implements AutoCloseable {

    /** What to do with one request. */
    record Answer(int status, Duration delay, boolean closeConnection, Duration bodyDelay) {
        static Answer status(int status) {
            return new Answer(status, Duration.ZERO, false, Duration.ZERO);
        }

        static Answer after(Duration delay, int status) {
            return new Answer(status, delay, false, Duration.ZERO);
        }

        static Answer resetConnection() {
            return new Answer(0, Duration.ZERO, true, Duration.ZERO);
        }

        /** 200 at once with the first part of the body, the rest after {@code bodyDelay}. */
        static Answer slowBody(Duration bodyDelay) {
            return new Answer(200, Duration.ZERO, false, bodyDelay);
        }
    }

    /** One request as this upstream saw it. */
    record Seen(String call, int attempt, String body) {
    }

    private final String name;
    private final DisposableServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger retriesInFlight = new AtomicInteger();
    private final AtomicInteger mostRetriesInFlight = new AtomicInteger();
    private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    private volatile IntFunction<Answer> script = n -> Answer.status(200);

    ScriptedUpstream(String name) {
        this.name = name;
        this.server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle((request, response) -> request.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
                    int n = requests.getAndIncrement();
                    String attemptHeader = request.requestHeaders().get("x-envoy-attempt-count");
                    int attempt = attemptHeader == null ? 0 : Integer.parseInt(attemptHeader);
                    seen.add(new Seen(request.requestHeaders().get("x-call"), attempt, body));
                    Answer answer = script.apply(n);
                    boolean retry = attempt > 1;
                    inFlight.incrementAndGet();
                    if (retry) {
                        mostRetriesInFlight.accumulateAndGet(retriesInFlight.incrementAndGet(), Math::max);
                    }
                    Mono<Void> reply = answer.closeConnection()
                            ? Mono.fromRunnable(() -> response.withConnection(connection -> connection.channel().close()))
                            : answer.bodyDelay().isZero()
                                    ? response.status(answer.status()).header("x-served-by", name).sendString(Mono.just(name)).then()
                                    : response.status(answer.status()).header("x-served-by", name)
                                            .sendString(reactor.core.publisher.Flux.concat(Mono.just(name + " starts"),
                                                    Mono.delay(answer.bodyDelay()).thenReturn(" and ends")))
                                            .then();
                    return Mono.delay(answer.delay()).then(Mono.defer(() -> {
                        inFlight.decrementAndGet();
                        if (retry) {
                            retriesInFlight.decrementAndGet();
                        }
                        return reply;
                    }));
                }).then())
                .bindNow();
    }

    /** Answers request number {@code n} (from 0, counted since the last {@link #reset}) as {@code script} says. */
    ScriptedUpstream answer(IntFunction<Answer> script) {
        this.script = script;
        return this;
    }

    /** Forgets what it saw and answers 200 again. */
    void reset() {
        script = n -> Answer.status(200);
        requests.set(0);
        seen.clear();
        mostRetriesInFlight.set(0);
    }

    String name() {
        return name;
    }

    int port() {
        return server.port();
    }

    int requests() {
        return requests.get();
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** The most retries (attempt count above 1) this upstream had in flight at once. */
    int mostRetriesInFlight() {
        return mostRetriesInFlight.get();
    }

    /** A WorkloadEntry for this upstream as an instance of {@code app} at {@code version}. */
    String workloadEntry(String app, String version) {
        return Yaml.workloadEntry(name, app, version, port());
    }

    @Override
    public void close() {
        // Not a graceful stop: requests a test left hanging (slow answers) would hold it for seconds.
        server.dispose();
        server.onDispose().block(Duration.ofSeconds(5));
    }
}
