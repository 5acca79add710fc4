package io.inmesh.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.model.HttpFaultInjection;
import io.inmesh.core.model.HttpRoute;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The routing behaviour that Istio's Bookinfo tasks document, from the unchanged Bookinfo rules, as
 * seen by productpage in namespace {@code default} (where Bookinfo's rules live).
 */
class BookinfoRoutingTest {

    private static final Caller PRODUCTPAGE = Caller.of("default", Map.of("app", "productpage", "version", "v1"));
    private static final String REVIEWS = "reviews.default.svc.cluster.local";
    private static final String RATINGS = "ratings.default.svc.cluster.local";

    private static RouteRequest get(String host, String... headers) {
        SimpleRouteRequest.Builder builder = RouteRequest.builder().host(host + ":9080").path("/" + host.split("\\.")[0] + "/0");
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.build();
    }

    @Test
    void allV1SendsEveryServiceToV1() {
        RouteTable table = BookinfoRoutingTest.tableFor("virtual-service-all-v1.yaml", "destination-rule-all.yaml");
        for (String service : new String[] {"productpage", "reviews", "ratings", "details"}) {
            RouteDecision decision = table.route(get(service), PRODUCTPAGE);
            assertThat(decision.virtualService()).isEqualTo("default/" + service);
            assertThat(decision.destinations()).containsExactly(
                    new WeightedDestination(service + ".default.svc.cluster.local", "v1", null, 100));
            assertThat(table.resolveSubset(decision.destinations().get(0).host(), "v1", PRODUCTPAGE).labels())
                    .containsExactly(Map.entry("version", "v1"));
        }
    }

    @Test
    void jasonGoesToV2AndEveryoneElseToV3() {
        RouteTable table = tableFor("virtual-service-reviews-jason-v2-v3.yaml", "destination-rule-all.yaml");

        RouteDecision jason = table.route(get("reviews", "end-user", "jason"), PRODUCTPAGE);
        assertThat(jason.routeIndex()).isZero();
        assertThat(jason.destinations()).extracting(WeightedDestination::subset).containsExactly("v2");

        assertThat(table.route(get("reviews"), PRODUCTPAGE).destinations())
                .extracting(WeightedDestination::subset).containsExactly("v3");
        // An exact match: another user, or jason's name in another case, is not jason.
        assertThat(table.route(get("reviews", "end-user", "json"), PRODUCTPAGE).routeIndex()).isEqualTo(1);
        assertThat(table.route(get("reviews", "end-user", "Jason"), PRODUCTPAGE).routeIndex()).isEqualTo(1);
        // Header names are case-insensitive.
        assertThat(table.route(get("reviews", "End-User", "jason"), PRODUCTPAGE).routeIndex()).isZero();
    }

    @Test
    void testV2RouteSendsJasonToV2AndOthersToV1() {
        RouteTable table = tableFor("virtual-service-reviews-test-v2.yaml", "destination-rule-all.yaml");
        assertThat(table.route(get("reviews", "end-user", "jason"), PRODUCTPAGE).destinations().get(0).subset()).isEqualTo("v2");
        assertThat(table.route(get("reviews"), PRODUCTPAGE).destinations().get(0).subset()).isEqualTo("v1");
    }

    @Test
    void ninetyTenShiftSplitsWithinBinomialTolerance() {
        assertShares("virtual-service-reviews-90-10.yaml", Map.of("v1", 0.9, "v2", 0.1));
    }

    @Test
    void eightyTwentyShiftSplitsWithinBinomialTolerance() {
        assertShares("virtual-service-reviews-80-20.yaml", Map.of("v1", 0.8, "v2", 0.2));
    }

    @Test
    void fiftyFiftyShiftSplitsWithinBinomialTolerance() {
        assertShares("virtual-service-reviews-50-v3.yaml", Map.of("v1", 0.5, "v3", 0.5));
    }

    @Test
    void sameSeedGivesTheSamePicks() {
        RouteDecision decision = tableFor("virtual-service-reviews-90-10.yaml", "destination-rule-all.yaml")
                .route(get("reviews"), PRODUCTPAGE);
        SplittableRandom first = new SplittableRandom(42);
        SplittableRandom second = new SplittableRandom(42);
        for (int i = 0; i < 1000; i++) {
            assertThat(decision.pick(first)).isSameAs(decision.pick(second));
        }
    }

    @Test
    void ratingsDelayAppliesToJasonOnly() {
        RouteTable table = tableFor("virtual-service-ratings-test-delay.yaml", "destination-rule-all.yaml");

        HttpRoute jason = table.route(get("ratings", "end-user", "jason"), PRODUCTPAGE).route();
        HttpFaultInjection.Delay delay = jason.fault().delay();
        assertThat(delay.fixedDelay()).isEqualTo(Duration.ofSeconds(7));
        assertThat(delay.percentage().value()).isEqualTo(100.0);
        assertThat(jason.fault().abort()).isNull();
        assertThat(jason.route()).extracting(d -> d.destination().subset()).containsExactly("v1");

        RouteDecision others = table.route(get("ratings"), PRODUCTPAGE);
        assertThat(others.routeIndex()).isEqualTo(1);
        assertThat(others.route().fault()).isNull();
        assertThat(others.destinations()).containsExactly(new WeightedDestination(RATINGS, "v1", null, 100));
    }

    @Test
    void ratingsAbortAppliesToJasonOnly() {
        RouteTable table = tableFor("virtual-service-ratings-test-abort.yaml", "destination-rule-all.yaml");

        HttpFaultInjection.Abort abort = table.route(get("ratings", "end-user", "jason"), PRODUCTPAGE).route().fault().abort();
        assertThat(abort.httpStatus()).isEqualTo(500);
        assertThat(abort.percentage().value()).isEqualTo(100.0);
        assertThat(table.route(get("ratings"), PRODUCTPAGE).route().fault()).isNull();
    }

    @Test
    void detailsV2SendsDetailsToV2() {
        RouteDecision details = tableFor("virtual-service-details-v2.yaml", "destination-rule-all.yaml")
                .route(get("details"), PRODUCTPAGE);
        assertThat(details.destinations()).extracting(WeightedDestination::subset).containsExactly("v2");
    }

    @Test
    void fullyQualifiedAndNamespaceQualifiedNamesReachTheSameRule() {
        RouteTable table = tableFor("virtual-service-reviews-jason-v2-v3.yaml", "destination-rule-all.yaml");
        for (String host : new String[] {"reviews", "reviews.default", "reviews.default.svc", REVIEWS}) {
            assertThat(table.route(get(host, "end-user", "jason"), PRODUCTPAGE).virtualService())
                    .as(host).isEqualTo("default/reviews");
        }
        // From another namespace, the short name is another service: no rule applies.
        RouteDecision elsewhere = table.route(get("reviews"), Caller.of("other", Map.of()));
        assertThat(elsewhere.outcome()).isEqualTo(RouteDecision.Outcome.DEFAULT_ROUTE);
        assertThat(elsewhere.destinations().get(0).host()).isEqualTo("reviews.other.svc.cluster.local");
    }

    private static RouteTable tableFor(String... files) {
        return Configs.bookinfo(files);
    }

    /**
     * Picks 20 000 times with a fixed seed and checks every share against its expectation within
     * 4.5 binomial standard deviations (a false failure about once in 150 000 seeds).
     */
    private static void assertShares(String virtualService, Map<String, Double> expected) {
        RouteDecision decision = tableFor(virtualService, "destination-rule-all.yaml").route(get("reviews"), PRODUCTPAGE);
        int samples = 20_000;
        SplittableRandom random = new SplittableRandom(20261122L);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < samples; i++) {
            counts.merge(decision.pick(random).subset(), 1, Integer::sum);
        }
        assertThat(counts.keySet()).isEqualTo(expected.keySet());
        expected.forEach((subset, p) -> {
            double share = counts.get(subset) / (double) samples;
            double tolerance = 4.5 * Math.sqrt(p * (1 - p) / samples);
            assertThat(share).as("share of %s", subset).isBetween(p - tolerance, p + tolerance);
        });
    }
}
