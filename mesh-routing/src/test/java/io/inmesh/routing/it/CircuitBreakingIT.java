package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inmesh.core.Mesh;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;

/**
 * Circuit breaking as Istio's DestinationRule {@code connectionPool} configures it, against real
 * upstreams that count the requests they hold at once: with {@code tcp.maxConnections: 4} and
 * {@code http.http1MaxPendingRequests: 8}, 64 concurrent callers get 4 requests sent, 8 waiting, and
 * 52 refused at once with 503 {@code UO} while the upstream has not answered anything yet; with
 * {@code http.http2MaxRequests: 5} (over h2c) 5 are sent and 59 refused. Under sustained load from 64
 * callers the upstream never sees one request more than the limit.
 */
@ExtendWith(BlockHoundExtension.class)
class CircuitBreakingIT {

    private static final int CALLERS = 64;

    private static CountingUpstream ratings;
    private static CountingUpstream details;
    private static Mesh http1;
    private static Mesh h2c;

    @BeforeAll
    static void start() {
        ratings = new CountingUpstream();
        details = new CountingUpstream();
        TestConfigSource source = new TestConfigSource().push(
                Yaml.serviceEntry("ratings"), Yaml.workloadEntry("ratings-v1", "ratings", "v1", ratings.port()),
                Yaml.serviceEntry("details"), Yaml.workloadEntry("details-v1", "details", "v1", details.port()), """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: ratings
                  namespace: bookinfo
                spec:
                  host: ratings
                  trafficPolicy:
                    connectionPool:
                      tcp:
                        maxConnections: 4
                      http:
                        http1MaxPendingRequests: 8
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: details
                  namespace: bookinfo
                spec:
                  host: details
                  trafficPolicy:
                    connectionPool:
                      http:
                        http2MaxRequests: 5
                """);
        http1 = Meshes.productpage(source);
        h2c = Meshes.client(source, "productpage-v1", Map.of("app", "productpage", "version", "v1"),
                builder -> builder.upstreamProtocol(HttpProtocol.H2C));
    }

    @AfterAll
    static void stop() {
        http1.close();
        h2c.close();
        ratings.close();
        details.close();
    }

    /** What the 64 callers got: answers, 503 UO refusals, anything else. */
    private static final class Tally {
        final AtomicInteger ok = new AtomicInteger();
        final AtomicInteger overflow = new AtomicInteger();
        final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();

        /** One call; emits whether it was served. */
        Mono<Boolean> call(Mesh mesh, String url) {
            return mesh.client().get(url).retrieve()
                    .map(body -> {
                        if (body.equals("served")) {
                            ok.incrementAndGet();
                            return true;
                        }
                        unexpected.add(new AssertionError("unexpected body " + body));
                        return false;
                    })
                    .onErrorResume(error -> {
                        if (error instanceof MeshException refused && refused.status() == 503 && refused.flag() == ResponseFlag.UO) {
                            overflow.incrementAndGet();
                        } else {
                            unexpected.add(error);
                        }
                        return Mono.just(false);
                    });
        }
    }

    @Test
    void beyondMaxConnectionsAndPendingRequestsCallsFailFastWith503Uo() {
        ratings.hold();
        Tally tally = new Tally();
        List<Disposable> calls = new java.util.ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            calls.add(tally.call(http1, "http://ratings:9080/ratings/" + i).subscribe());
        }
        // Nothing has been answered yet: every refusal came without waiting for the upstream.
        await().atMost(Meshes.WAIT).until(() -> tally.overflow.get() == CALLERS - 4 - 8 && ratings.inFlight() == 4);
        assertThat(tally.ok.get()).isZero();
        assertThat(ratings.requests()).as("only the 4 that got a connection were sent").isEqualTo(4);

        ratings.open();
        await().atMost(Meshes.WAIT).until(() -> tally.ok.get() + tally.overflow.get() + tally.unexpected.size() == CALLERS);
        System.out.printf("CircuitBreakingIT maxConnections 4 / pending 8, 64 callers at once: ok %d, overflow (503 UO) %d%n",
                tally.ok.get(), tally.overflow.get());
        assertThat(tally.unexpected).isEmpty();
        assertThat(tally.ok.get()).as("the 4 sent and the 8 that waited").isEqualTo(12);
        assertThat(ratings.maxInFlight()).isEqualTo(4);
        calls.forEach(Disposable::dispose);
    }

    @Test
    void beyondHttp2MaxRequestsCallsFailFastWith503Uo() {
        details.hold();
        Tally tally = new Tally();
        List<Disposable> calls = new java.util.ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            calls.add(tally.call(h2c, "http://details:9080/details/" + i).subscribe());
        }
        await().atMost(Meshes.WAIT).until(() -> tally.overflow.get() == CALLERS - 5 && details.inFlight() == 5);
        assertThat(tally.ok.get()).isZero();

        details.open();
        await().atMost(Meshes.WAIT).until(() -> tally.ok.get() + tally.overflow.get() + tally.unexpected.size() == CALLERS);
        System.out.printf("CircuitBreakingIT http2MaxRequests 5 (h2c), 64 callers at once: ok %d, overflow (503 UO) %d%n",
                tally.ok.get(), tally.overflow.get());
        assertThat(tally.unexpected).isEmpty();
        assertThat(tally.ok.get()).isEqualTo(5);
        assertThat(details.maxInFlight()).isEqualTo(5);
        calls.forEach(Disposable::dispose);
    }

    @Test
    void theMaxConnectionsLimitHoldsExactlyUnderSustainedLoad() {
        stress(http1, ratings, "ratings", 4, "maxConnections 4 / pending 8");
    }

    @Test
    void theHttp2MaxRequestsLimitHoldsExactlyUnderSustainedLoad() {
        stress(h2c, details, "details", 5, "http2MaxRequests 5 (h2c)");
    }

    /**
     * 64 callers each want 10 answers, one call after the other, calling again 1 ms after a refusal,
     * from an upstream that answers after 1 to 4 ms: the pool stays full for the whole run, and the
     * upstream's count of requests in flight must never pass {@code limit}, not even once; every call
     * is either answered or refused with 503 UO.
     */
    private static void stress(Mesh mesh, CountingUpstream upstream, String service, int limit, String described) {
        Random random = new Random(42);
        upstream.delay(() -> Duration.ofMillis(1 + random.nextInt(4)));
        upstream.resetMaxInFlight();
        int perCaller = 10;
        Tally tally = new Tally();
        try {
            Flux.range(0, CALLERS)
                    .flatMap(caller -> Flux.range(0, perCaller)
                            .concatMap(i -> Mono.defer(() -> tally.call(mesh, "http://" + service + ":9080/" + service + "/" + caller))
                                    .filter(served -> served)
                                    .repeatWhenEmpty(refusals -> refusals.delayElements(Duration.ofMillis(1)))), CALLERS)
                    .blockLast(Duration.ofSeconds(30));
        } finally {
            upstream.delay(() -> Duration.ZERO);
        }
        System.out.printf("CircuitBreakingIT %s, 64 callers x %d answers wanted: ok %d, overflow (503 UO) %d, max in flight at the upstream %d%n",
                described, perCaller, tally.ok.get(), tally.overflow.get(), upstream.maxInFlight());
        assertThat(tally.unexpected).isEmpty();
        assertThat(tally.ok.get()).isEqualTo(CALLERS * perCaller);
        assertThat(tally.overflow.get()).isPositive();
        assertThat(upstream.maxInFlight()).as("requests in flight at the upstream, at most").isLessThanOrEqualTo(limit);
    }
}
