package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.Mesh;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.routing.it.ScriptedUpstream.Answer;
import io.inmesh.core.testing.TestConfigSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Under 100 % upstream failure, retries never amplify load without bound. Three services fail every
 * request with 503 (after 10 ms), each route retrying up to 5 times on 5xx; 32 callers call each
 * service concurrently. With no cap, every call would cost 6 upstream requests. Measured per service:
 * upstream requests per client request, and the most retries the upstream had in flight at once,
 * which must stay within the cap the DestinationRule sets:
 * <ul>
 *   <li>no rule: inmesh's default budget, max(3, 20 % of the requests outstanding), and at most
 *       {@value #CALLERS} requests are outstanding (each caller has one try or back-off at a time),
 *       so at most max(3, floor(0.2 × 32)) = 6 retries at once;</li>
 *   <li>{@code retryBudget: {percent: 100}}: max(3, 100 % of outstanding), at most one per caller;</li>
 *   <li>{@code connectionPool.http.maxRetries: 2}: at most 2.</li>
 * </ul>
 * The bounds hold whether or not the connection-pool step counts outstanding requests yet (without
 * counts, the budgets fall back to their floor of 3).
 */
@ExtendWith(BlockHoundExtension.class)
class RetryBudgetIT {

    private static final int CALLERS = 32;
    private static final int CALLS_PER_CALLER = 8;
    private static final int ATTEMPTS = 5;

    private static final List<ScriptedUpstream> upstreams = new ArrayList<>();
    private static Mesh productpage;

    private static String service(String app, ScriptedUpstream upstream, String trafficPolicy) {
        String rule = trafficPolicy == null ? "" : """
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: %1$s
                  namespace: bookinfo
                spec:
                  host: %1$s
                  trafficPolicy:
                %2$s
                """.formatted(app, trafficPolicy.indent(4).stripTrailing());
        return Yaml.serviceEntry(app) + "---\n" + upstream.workloadEntry(app, "v1") + """
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %1$s
                  namespace: bookinfo
                spec:
                  hosts:
                  - %1$s
                  http:
                  - route:
                    - destination:
                        host: %1$s
                    retries:
                      attempts: %2$d
                      retryOn: 5xx
                """.formatted(app, ATTEMPTS) + rule;
    }

    @BeforeAll
    static void start() {
        for (String name : List.of("default-budget", "budget-100", "max-retries-2")) {
            upstreams.add(new ScriptedUpstream(name).answer(n -> Answer.after(Duration.ofMillis(10), 503)));
        }
        productpage = Meshes.productpage(new TestConfigSource().push(
                service("default-budget", upstreams.get(0), null),
                service("budget-100", upstreams.get(1), "retryBudget:\n  percent: 100"),
                service("max-retries-2", upstreams.get(2), "connectionPool:\n  http:\n    maxRetries: 2")));
    }

    @AfterAll
    static void stop() {
        productpage.close();
        upstreams.forEach(ScriptedUpstream::close);
    }

    /** What one load run measured. */
    private record Measured(int calls, int upstreamRequests, int mostRetriesInFlight, int overflowed, int exhausted) {
        double ratio() {
            return (double) upstreamRequests / calls;
        }
    }

    private static Measured load(String app, ScriptedUpstream upstream) {
        AtomicInteger overflowed = new AtomicInteger();
        AtomicInteger exhausted = new AtomicInteger();
        Long calls = Flux.range(0, CALLERS)
                .flatMap(caller -> Flux.range(0, CALLS_PER_CALLER)
                        .concatMap(i -> productpage.client().get("http://" + app + ":9080/" + caller + "/" + i).exchange()
                                .flatMap(response -> {
                                    assertThat(response.status()).isEqualTo(503);
                                    if (response.flags().contains(ResponseFlag.UO)) {
                                        overflowed.incrementAndGet();
                                    }
                                    if (response.flags().contains(ResponseFlag.URX)) {
                                        exhausted.incrementAndGet();
                                    }
                                    return response.releaseBody();
                                })
                                .then(Mono.just(1))), CALLERS)
                .count()
                .block(Duration.ofSeconds(60));
        Measured measured = new Measured(calls.intValue(), upstream.requests(), upstream.mostRetriesInFlight(), overflowed.get(),
                exhausted.get());
        System.out.printf("retry budget %-15s: %d calls, %d upstream requests, %.2f upstream requests per call,"
                        + " at most %d retries in flight, %d calls ended by the cap (UO), %d by attempts (URX)%n",
                app, measured.calls(), measured.upstreamRequests(), measured.ratio(), measured.mostRetriesInFlight(),
                measured.overflowed(), measured.exhausted());
        assertThat(measured.calls()).isEqualTo(CALLERS * CALLS_PER_CALLER);
        assertThat(measured.ratio()).isLessThanOrEqualTo(1.0 + ATTEMPTS);
        assertThat(measured.overflowed() + measured.exhausted()).as("every call ended by the cap or by attempts")
                .isEqualTo(measured.calls());
        return measured;
    }

    @Test
    void theDefaultBudgetKeepsRetriesToAFifthOfOutstandingRequests() {
        Measured measured = load("default-budget", upstreams.get(0));

        assertThat(measured.mostRetriesInFlight()).isLessThanOrEqualTo(Math.max(3, (int) (0.2 * CALLERS)));
        assertThat(measured.overflowed()).as("the budget refused retries").isPositive();
    }

    @Test
    void aBudgetOfOneHundredPercentAllowsARetryPerOutstandingRequest() {
        Measured measured = load("budget-100", upstreams.get(1));

        assertThat(measured.mostRetriesInFlight()).isLessThanOrEqualTo(Math.max(3, CALLERS));
    }

    @Test
    void maxRetriesTwoAllowsTwoRetriesAtOnce() {
        Measured measured = load("max-retries-2", upstreams.get(2));

        assertThat(measured.mostRetriesInFlight()).isLessThanOrEqualTo(2);
        assertThat(measured.overflowed()).as("the cap refused retries").isPositive();
    }
}
