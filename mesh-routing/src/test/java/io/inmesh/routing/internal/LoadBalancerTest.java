package io.inmesh.routing.internal;

import static io.inmesh.routing.internal.Balancers.SERVICE_PORT;
import static io.inmesh.routing.internal.Balancers.endpoint;
import static io.inmesh.routing.internal.Balancers.endpoints;
import static io.inmesh.routing.internal.Balancers.get;
import static io.inmesh.routing.internal.Balancers.hashOnHeader;
import static io.inmesh.routing.internal.Balancers.key;
import static io.inmesh.routing.internal.Balancers.pick;
import static io.inmesh.routing.internal.Balancers.simple;
import static io.inmesh.routing.internal.Balancers.withinBinomial;
import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.model.ConsistentHashLb;
import io.inmesh.core.model.LoadBalancerSettings;
import io.inmesh.core.model.LoadBalancerSettings.SimpleLb;
import io.inmesh.core.registry.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each balancer spreads picks as Envoy's does: round robin in turns (by weight when weights differ),
 * random uniformly, least request by two random choices, consistent hash by key (ring and Maglev), with
 * slow start scaling a new endpoint's share; a retry avoids endpoints already tried.
 */
class LoadBalancerTest {

    private final Balancers fixture = Balancers.create();

    private Map<String, Integer> count(LoadBalancer balancer, List<Endpoint> endpoints, int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(pick(balancer, endpoints, get(null, null)), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void leastRequestIsIstiosDefault() {
        assertThat(fixture.balancer(null)).isInstanceOf(LeastRequestBalancer.class);
        assertThat(fixture.balancer(simple(SimpleLb.UNSPECIFIED))).isInstanceOf(LeastRequestBalancer.class);
        assertThat(fixture.balancer(simple(SimpleLb.LEAST_CONN))).isInstanceOf(LeastRequestBalancer.class);
    }

    @Test
    void roundRobinTakesTurns() {
        LoadBalancer balancer = fixture.balancer(simple(SimpleLb.ROUND_ROBIN));
        List<Endpoint> endpoints = endpoints(3);
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            picks.add(pick(balancer, endpoints, get(null, null)));
        }
        for (int i = 3; i < 9; i++) {
            assertThat(picks.get(i)).isEqualTo(picks.get(i - 3));
        }
        assertThat(picks.subList(0, 3)).containsExactlyInAnyOrder(key(1), key(2), key(3));
    }

    @Test
    void weightedRoundRobinFollowsTheWeights() {
        LoadBalancer balancer = fixture.balancer(simple(SimpleLb.ROUND_ROBIN));
        List<Endpoint> endpoints = List.of(endpoint(1, 3), endpoint(2, 1));
        assertThat(count(balancer, endpoints, 400)).containsEntry(key(1), 300).containsEntry(key(2), 100);
    }

    @Test
    void randomIsUniform() {
        LoadBalancer balancer = fixture.balancer(simple(SimpleLb.RANDOM));
        Map<String, Integer> counts = count(balancer, endpoints(4), 10_000);
        for (int i = 1; i <= 4; i++) {
            assertThat(withinBinomial(counts.getOrDefault(key(i), 0), 10_000, 0.25)).as("%s: %s", key(i), counts).isTrue();
        }
    }

    @Test
    void leastRequestPrefersTheLessBusyOfTwoRandomChoices() {
        LoadBalancer balancer = fixture.balancer(simple(SimpleLb.LEAST_REQUEST));
        List<Endpoint> endpoints = endpoints(2);
        // Equal load: an even split.
        Map<String, Integer> even = count(balancer, endpoints, 10_000);
        assertThat(withinBinomial(even.get(key(1)), 10_000, 0.5)).as("%s", even).isTrue();

        // Endpoint 1 busy: it wins only when both draws fall on it, 1 time in 4.
        LoadBalancer.Pick busy = null;
        for (int i = 0; i < 10 && (busy == null || !busy.host().key().equals(key(1))); i++) {
            busy = balancer.pick(endpoints, SERVICE_PORT, get(null, null), "caller", null);
        }
        busy.host().activity().requestStarted();
        busy.host().activity().requestStarted();
        Map<String, Integer> skewed = count(balancer, endpoints, 10_000);
        assertThat(withinBinomial(skewed.getOrDefault(key(1), 0), 10_000, 0.25)).as("%s", skewed).isTrue();
        assertThat(balancer.activeRequests(key(1))).isEqualTo(2);
    }

    @Test
    void weightedLeastRequestDividesWeightByRequestsUnderWay() {
        LoadBalancer balancer = fixture.balancer(simple(SimpleLb.LEAST_REQUEST));
        List<Endpoint> endpoints = List.of(endpoint(1, 2), endpoint(2, 1));
        Map<String, Integer> counts = count(balancer, endpoints, 300);
        assertThat(counts.get(key(1))).isBetween(198, 202);
    }

    @Test
    void aRetryAvoidsTheEndpointsAlreadyTried() {
        LoadBalancer balancer = fixture.balancer(simple(SimpleLb.RANDOM));
        List<Endpoint> endpoints = endpoints(3);
        for (int call = 0; call < 200; call++) {
            AttemptContext attempt = new AttemptContext(null, true);
            attempt.tried(key(1));
            attempt.tried(key(2));
            attempt.nextRetry();
            // Six random draws all miss endpoint 3 about 9 % of the time; the fallback still takes it.
            assertThat(balancer.pick(endpoints, SERVICE_PORT, get(null, null), "caller", attempt).host().key()).isEqualTo(key(3));
        }
        AttemptContext allTried = new AttemptContext(null, true);
        endpoints.forEach(endpoint -> allTried.tried(UpstreamHost.key(endpoint, 8080)));
        allTried.nextRetry();
        assertThat(balancer.pick(endpoints, SERVICE_PORT, get(null, null), "caller", allTried)).as("the last pick stands").isNotNull();

        LoadBalancer roundRobin = fixture.balancer(simple(SimpleLb.ROUND_ROBIN));
        for (int call = 0; call < 20; call++) {
            AttemptContext attempt = new AttemptContext(null, true);
            attempt.tried(key(2));
            attempt.nextRetry();
            assertThat(roundRobin.pick(endpoints, SERVICE_PORT, get(null, null), "caller", attempt).host().key()).isNotEqualTo(key(2));
        }
    }

    @Test
    void ringHashKeepsAKeyOnOneEndpointAndMovesAboutAThirdWhenAFifthIsAdded() {
        // Envoy's ring moves about a third: the new endpoint takes 1/5, and the old endpoints' rings shrink from
        // 256 to 205 entries each, which reshuffles the keys of the dropped entries among all five.
        assertConsistent(fixture.balancer(hashOnHeader("x-user", null)), 0.40);
    }

    @Test
    void maglevKeepsAKeyOnOneEndpointAndMovesAboutOneFifthWhenAFifthIsAdded() {
        assertConsistent(fixture.balancer(hashOnHeader("x-user", new ConsistentHashLb.MagLev(65537L))), 0.25);
    }

    /**
     * Keys stay on their endpoint; adding a fifth endpoint to four moves about 1/5 of the keys. Not all
     * of them move to the new endpoint: Envoy's ring gives every endpoint {@code minimumRingSize / N}
     * entries, so the old endpoints' entry counts shrink (and Maglev's table is only nearly minimal).
     */
    private void assertConsistent(LoadBalancer balancer, double mostMoved) {
        List<Endpoint> four = endpoints(4);
        List<Endpoint> five = endpoints(5);
        int keys = 10_000;
        String[] before = new String[keys];
        Map<String, Integer> spread = new HashMap<>();
        for (int k = 0; k < keys; k++) {
            before[k] = pick(balancer, four, get("x-user", "user-" + k));
            assertThat(pick(balancer, four, get("x-user", "user-" + k))).isEqualTo(before[k]);
            spread.merge(before[k], 1, Integer::sum);
        }
        int moved = 0;
        int movedToNew = 0;
        for (int k = 0; k < keys; k++) {
            String after = pick(balancer, five, get("x-user", "user-" + k));
            if (!after.equals(before[k])) {
                moved++;
                movedToNew += after.equals(key(5)) ? 1 : 0;
            }
        }
        double share = (double) moved / keys;
        System.out.printf("%s: %.4f of keys moved when a 5th endpoint joined 4 (%.4f to the new one)%n",
                balancer.getClass().getSimpleName(), share, (double) movedToNew / keys);
        assertThat(share).as("share of keys moved").isBetween(0.15, mostMoved);
        assertThat((double) movedToNew / keys).as("share of keys the new endpoint took").isBetween(0.15, 0.25);
        assertThat(spread.values()).allSatisfy(count -> assertThat(count).isBetween(1500, 3500));
    }

    @Test
    void consistentHashWithoutTheKeyPicksAtRandom() {
        LoadBalancer balancer = fixture.balancer(hashOnHeader("x-user", null));
        Map<String, Integer> counts = count(balancer, endpoints(2), 2_000);
        assertThat(counts).hasSize(2);
    }

    @Test
    void maglevTableFollowsWeights() {
        UpstreamHost heavy = new UpstreamHost(key(1), "10.0.0.1", 8080, 3, new UpstreamHost.Activity(0));
        UpstreamHost light = new UpstreamHost(key(2), "10.0.0.2", 8080, 1, new UpstreamHost.Activity(0));
        UpstreamHost[] table = MaglevBalancer.build(new UpstreamHost[] {heavy, light}, 65537);
        long heavySlots = java.util.Arrays.stream(table).filter(host -> host == heavy).count();
        assertThat((double) heavySlots / table.length).isBetween(0.74, 0.76);
    }

    @Test
    void ringHonoursTheMinimumSize() {
        UpstreamHost[] hosts = {
            new UpstreamHost(key(1), "10.0.0.1", 8080, 1, new UpstreamHost.Activity(0)),
            new UpstreamHost(key(2), "10.0.0.2", 8080, 1, new UpstreamHost.Activity(0)),
            new UpstreamHost(key(3), "10.0.0.3", 8080, 1, new UpstreamHost.Activity(0))};
        assertThat(RingHashBalancer.build(hosts, 1024).hashes()).hasSize(1026);
        assertThat(RingHashBalancer.build(hosts, 10).hashes()).hasSize(12);
    }

    @Test
    void generatedCookieIsReturnedAndKeepsTheCallerOnItsEndpoint() {
        LoadBalancerSettings settings = new LoadBalancerSettings(null, new ConsistentHashLb(null,
                new ConsistentHashLb.HttpCookie("session", "/", Duration.ofSeconds(60), List.of()), null, null, null, null, null), null, null, null);
        LoadBalancer balancer = fixture.balancer(settings);
        List<Endpoint> endpoints = endpoints(4);
        LoadBalancer.Pick first = balancer.pick(endpoints, SERVICE_PORT, get(null, null), "caller", null);
        assertThat(first.setCookie()).matches("session=\"[0-9a-f]{16}\"; Max-Age=60; Path=/; HttpOnly");
        String value = first.setCookie().substring("session=\"".length(), "session=\"".length() + 16);
        for (int i = 0; i < 20; i++) {
            LoadBalancer.Pick again = balancer.pick(endpoints, SERVICE_PORT, get("cookie", "other=1; session=\"" + value + "\""), "caller", null);
            assertThat(again.host().key()).isEqualTo(first.host().key());
            assertThat(again.setCookie()).isNull();
        }
    }

    @Test
    void slowStartRampsANewEndpointUp() {
        LoadBalancerSettings settings = new LoadBalancerSettings(SimpleLb.ROUND_ROBIN, null, null, Duration.ofSeconds(10), null);
        LoadBalancer balancer = fixture.balancer(settings);
        count(balancer, endpoints(1), 1);
        fixture.advance(60, TimeUnit.SECONDS);
        List<Endpoint> two = endpoints(2);
        // Just added: 10 % of its weight (the minimum), so 1 pick in 11.
        Map<String, Integer> start = count(balancer, two, 1100);
        assertThat(start.get(key(2))).isBetween(95, 105);
        // Half-way through the window: half its weight, 1 pick in 3.
        fixture.advance(5, TimeUnit.SECONDS);
        Map<String, Integer> half = count(balancer, two, 900);
        assertThat(half.get(key(2))).isBetween(290, 310);
        // Warm: even turns.
        fixture.advance(5, TimeUnit.SECONDS);
        Map<String, Integer> warm = count(balancer, two, 1000);
        assertThat(warm.get(key(2))).isBetween(495, 505);
    }

    @Test
    void warmupAggressionAndMinimumPercent() {
        SlowStart slowStart = SlowStart.of(new LoadBalancerSettings(SimpleLb.LEAST_REQUEST, null, null, null,
                new LoadBalancerSettings.WarmupConfiguration(Duration.ofSeconds(100), 5.0, 2.0)));
        long second = 1_000_000_000L;
        assertThat(slowStart.factor(0, 0)).isEqualTo(0.05);
        assertThat(slowStart.factor(0, 25 * second)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(slowStart.factor(0, 100 * second)).isEqualTo(1.0);
        assertThat(SlowStart.of(new LoadBalancerSettings(SimpleLb.ROUND_ROBIN, null, null, Duration.ofSeconds(30), null)))
                .isEqualTo(new SlowStart(30 * second, 0.1, 1.0));
    }

    @Test
    void endpointStateSurvivesANewSnapshotOfTheCluster() {
        LoadBalancer balancer = fixture.balancer(simple(SimpleLb.LEAST_REQUEST));
        LoadBalancer.Pick pick = balancer.pick(endpoints(2), SERVICE_PORT, get(null, null), "caller", null);
        pick.host().activity().requestStarted();
        String busy = pick.host().key();
        // The next snapshot's list: equal endpoints, another list; then one endpoint more.
        balancer.pick(new ArrayList<>(endpoints(2)), SERVICE_PORT, get(null, null), "caller", null);
        assertThat(balancer.activeRequests(busy)).isEqualTo(1);
        balancer.pick(endpoints(3), SERVICE_PORT, get(null, null), "caller", null);
        assertThat(balancer.activeRequests(busy)).isEqualTo(1);
        // An endpoint that leaves is forgotten.
        balancer.pick(List.of(endpoint(3, 1)), SERVICE_PORT, get(null, null), "caller", null);
        assertThat(balancer.activeRequests(busy)).isZero();
    }

    @Test
    void passthroughPicksNoEndpoint() {
        assertThat(fixture.balancer(simple(SimpleLb.PASSTHROUGH)).passthrough()).isTrue();
        assertThat(fixture.balancer(simple(SimpleLb.ROUND_ROBIN)).passthrough()).isFalse();
    }
}
