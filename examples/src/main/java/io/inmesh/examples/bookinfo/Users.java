package io.inmesh.examples.bookinfo;

import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The users of Bookinfo: visits of the product page from outside the mesh, as a browser makes
 * them through Istio's ingress gateway, a bounded number at a time, over pooled connections.
 * Never blocks.
 */
public final class Users implements AutoCloseable {

    /** How long a visit may take before it counts as failed. */
    static final Duration VISIT_TIMEOUT = Duration.ofSeconds(15);

    private final ConnectionProvider pool;
    private final HttpClient http;
    private final String url;

    /** Users of the product page served at {@code port} of 127.0.0.1. */
    public Users(int port) {
        this.pool = ConnectionProvider.builder("bookinfo-users").maxConnections(256).pendingAcquireMaxCount(-1).build();
        this.http = HttpClient.create(pool).compress(false);
        this.url = "http://127.0.0.1:" + port + "/productpage";
    }

    /** The URL visited. */
    public String url() {
        return url;
    }

    /**
     * {@code count} visits of the product page, at most {@code concurrency} at a time.
     *
     * @param endUser the {@code end-user} header, Bookinfo's logged-in user; {@code null} for none
     */
    public Flux<Visit> visits(long count, String endUser, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency " + concurrency + " (expected 1 or more)");
        }
        return Flux.<Long, Long>generate(() -> 0L, (i, sink) -> {
                    if (i < count) {
                        sink.next(i);
                    } else {
                        sink.complete();
                    }
                    return i + 1;
                })
                .flatMap(i -> visit(endUser), concurrency);
    }

    /** {@code count} visits, counted. */
    public Mono<Tally> tally(int count, String endUser, int concurrency) {
        return visits(count, endUser, concurrency).reduceWith(Tally::new, Tally::add);
    }

    /** One visit; never fails: a failure is a {@link Visit} that says what went wrong. */
    public Mono<Visit> visit(String endUser) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            return http
                    .headers(headers -> {
                        if (endUser != null) {
                            headers.set(Calls.END_USER, endUser);
                        }
                    })
                    .get()
                    .uri(url)
                    .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                            .map(text -> Visit.of(response.status().code(), text, started)))
                    .timeout(VISIT_TIMEOUT)
                    .onErrorResume(failure -> Mono.just(Visit.failed("productpage: " + Calls.describe(failure, VISIT_TIMEOUT), started)));
        });
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
