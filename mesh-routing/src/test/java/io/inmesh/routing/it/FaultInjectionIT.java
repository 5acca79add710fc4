package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.Mesh;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.routing.RoutingExtension;
import io.inmesh.core.testing.TestConfigSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Fault injection over real sockets, scoped to the route that matched: abort and delay rates within
 * the binomial 99.9 % interval over 10^4 requests with a seeded random source, no fault on the other
 * routes, the chaos example of the seeds (one caller's edge aborts 100 % with 400 while every other
 * caller is served), and Istio's Bookinfo delay for {@code end-user: jason}.
 */
@ExtendWith(BlockHoundExtension.class)
class FaultInjectionIT {

    private static final int REQUESTS = 10_000;
    private static final int CONCURRENCY = 32;
    private static final long SEED = 20261202L;
    /** The 99.9 % two-sided interval of a binomial is the mean within 3.29 standard deviations. */
    private static final double Z_999 = 3.29;

    private static final String VIRTUAL_SERVICE = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: ratings
              namespace: bookinfo
            spec:
              hosts:
              - ratings
              http:
              - name: chaos-checkout
                match:
                - sourceLabels:
                    app: checkoutservice
                fault:
                  abort:
                    httpStatus: 400
                    percentage:
                      value: 100
                route:
                - destination:
                    host: ratings
              - name: jason
                match:
                - headers:
                    end-user:
                      exact: jason
                fault:
                  delay:
                    fixedDelay: 1ms
                    percentage:
                      value: 100.0
                route:
                - destination:
                    host: ratings
              - name: abort-30
                match:
                - uri:
                    prefix: /abort
                fault:
                  abort:
                    httpStatus: 503
                    percentage:
                      value: 30
                route:
                - destination:
                    host: ratings
              - name: delay-30
                match:
                - uri:
                    prefix: /delay
                fault:
                  delay:
                    fixedDelay: 1ms
                    percentage:
                      value: 30
                route:
                - destination:
                    host: ratings
              - name: default
                route:
                - destination:
                    host: ratings
            """;

    private static UpstreamWorkload ratings;
    private static TestConfigSource source;
    private static Mesh productpage;

    @BeforeAll
    static void start() {
        ratings = UpstreamWorkload.start("ratings-v1", "ratings", "v1");
        source = new TestConfigSource().push(Yaml.serviceEntry("ratings"), ratings.workloadEntry(), VIRTUAL_SERVICE);
        productpage = seeded("productpage-v1", Map.of("app", "productpage", "version", "v1"), SEED);
    }

    @AfterAll
    static void stop() {
        productpage.close();
        ratings.close();
    }

    /** A caller whose fault draws come from one {@code java.util.Random} seeded with {@code seed} (see WeightedSplitIT). */
    private static Mesh seeded(String name, Map<String, String> labels, long seed) {
        Random random = new Random(seed);
        return Meshes.client(source, name, labels, builder -> builder.extension(new RoutingExtension(() -> random)));
    }

    /** Status and flags of a response, its body read and released. */
    private record Outcome(int status, Set<ResponseFlag> flags, String body) {
    }

    private static Mono<Outcome> call(Mesh mesh, String url, String endUser) {
        var request = mesh.client().get(url);
        if (endUser != null) {
            request.header("end-user", endUser);
        }
        return request.exchange().flatMap(response -> response.bodyAsString()
                .map(body -> new Outcome(response.status(), response.flags(), body)));
    }

    private static List<Outcome> calls(Mesh mesh, String path, int requests) {
        return Flux.range(0, requests)
                .flatMap(i -> call(mesh, "http://ratings:9080" + path + i, null), CONCURRENCY)
                .collectList()
                .block(Duration.ofSeconds(60));
    }

    private static void assertWithinBinomial999(long count, int n, double p) {
        double sigma = Math.sqrt(n * p * (1 - p));
        assertThat((double) count).as("%d of %d (p = %s, 99.9 %% interval %.0f..%.0f)", count, n, p, n * p - Z_999 * sigma,
                n * p + Z_999 * sigma).isBetween(n * p - Z_999 * sigma, n * p + Z_999 * sigma);
    }

    @Test
    void abortRateIsWithinTheBinomialIntervalAndAbortsNeverReachTheUpstream() {
        int before = ratings.requests();
        List<Outcome> outcomes = calls(productpage, "/abort/", REQUESTS);

        long aborted = outcomes.stream().filter(o -> o.status() == 503).count();
        System.out.printf("FaultInjectionIT abort 30%%: %d of %d aborted%n", aborted, REQUESTS);
        assertWithinBinomial999(aborted, REQUESTS, 0.30);
        assertThat(outcomes).filteredOn(o -> o.status() == 503).allSatisfy(o -> {
            assertThat(o.flags()).containsExactly(ResponseFlag.FI);
            assertThat(o.body()).isEqualTo("fault filter abort");
        });
        assertThat(outcomes).filteredOn(o -> o.status() != 503).allSatisfy(o -> {
            assertThat(o.status()).isEqualTo(200);
            assertThat(o.flags()).isEmpty();
            assertThat(o.body()).isEqualTo("ratings-v1");
        });
        assertThat(ratings.requests() - before).as("only the requests not aborted reach ratings").isEqualTo(REQUESTS - (int) aborted);
    }

    @Test
    void delayRateIsWithinTheBinomialIntervalAndDelayedRequestsAreServedWithDi() {
        List<Outcome> outcomes = calls(productpage, "/delay/", REQUESTS);

        long delayed = outcomes.stream().filter(o -> o.flags().contains(ResponseFlag.DI)).count();
        System.out.printf("FaultInjectionIT delay 30%%: %d of %d delayed%n", delayed, REQUESTS);
        assertWithinBinomial999(delayed, REQUESTS, 0.30);
        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.status()).isEqualTo(200);
            assertThat(o.body()).isEqualTo("ratings-v1");
            assertThat(o.flags()).isSubsetOf(ResponseFlag.DI);
        });
    }

    @Test
    void otherRoutesGetNoFault() {
        List<Outcome> outcomes = calls(productpage, "/ratings/", 2_000);
        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.status()).isEqualTo(200);
            assertThat(o.flags()).isEmpty();
        });
    }

    @Test
    void theChaosRouteAbortsOnlyTheCheckoutCaller() {
        try (Mesh checkout = seeded("checkoutservice-v1", Map.of("app", "checkoutservice", "version", "v1"), 1);
                Mesh frontend = seeded("frontend-v1", Map.of("app", "frontend", "version", "v1"), 2)) {
            int before = ratings.requests();
            List<Outcome> fromCheckout = calls(checkout, "/ratings/", 200);
            assertThat(fromCheckout).allSatisfy(o -> {
                assertThat(o.status()).isEqualTo(400);
                assertThat(o.flags()).containsExactly(ResponseFlag.FI);
                assertThat(o.body()).isEqualTo("fault filter abort");
            });
            assertThat(ratings.requests()).as("no aborted request reached ratings").isEqualTo(before);

            List<Outcome> fromFrontend = calls(frontend, "/ratings/", 200);
            List<Outcome> fromProductpage = calls(productpage, "/ratings/", 200);
            assertThat(fromFrontend).allSatisfy(o -> {
                assertThat(o.status()).isEqualTo(200);
                assertThat(o.flags()).isEmpty();
            });
            assertThat(fromProductpage).allSatisfy(o -> assertThat(o.status()).isEqualTo(200));
            assertThat(ratings.requests() - before).isEqualTo(400);
        }
    }

    @Test
    void jasonIsDelayedAndServedOthersAreNot() {
        Outcome jason = call(productpage, "http://ratings:9080/ratings/0", "jason").block(Meshes.WAIT);
        assertThat(jason.status()).isEqualTo(200);
        assertThat(jason.body()).isEqualTo("ratings-v1");
        assertThat(jason.flags()).containsExactly(ResponseFlag.DI);

        Outcome other = call(productpage, "http://ratings:9080/ratings/0", "jasonx").block(Meshes.WAIT);
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.flags()).isEmpty();
    }

    @Test
    void theSameSeedGivesTheSameAbortCount() {
        long first;
        long second;
        try (Mesh mesh = seeded("productpage-v1", Map.of("app", "productpage"), 99)) {
            first = calls(mesh, "/abort/", 1_000).stream().filter(o -> o.status() == 503).count();
        }
        try (Mesh mesh = seeded("productpage-v1", Map.of("app", "productpage"), 99)) {
            second = calls(mesh, "/abort/", 1_000).stream().filter(o -> o.status() == 503).count();
        }
        assertThat(second).isEqualTo(first);
    }
}
