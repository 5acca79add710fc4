package io.inmesh.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.routing.WeightedDestination;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A cluster's state (counters, ejections, load balancer) outlives a snapshot swap while the
 * cluster's policy stays the same, and starts over when the policy changes, as Envoy keeps a cluster
 * whose configuration did not change and rebuilds one whose configuration did.
 */
class ClusterStatesTest {

    private static final LocalWorkload PRODUCTPAGE = LocalWorkload.of("productpage-v1", "bookinfo", Map.of("app", "productpage"));
    private static final WeightedDestination REVIEWS_V1 = new WeightedDestination("reviews.bookinfo.svc.cluster.local", "v1", 9080, 100);
    private static final WeightedDestination RATINGS = new WeightedDestination("ratings.bookinfo.svc.cluster.local", null, 9080, 100);

    private final ClusterStates states = new ClusterStates(new RoutingRuntime(() -> new Random(1), System::nanoTime));

    private static String rules(int maxConnections, String ratingsTimeout) {
        return """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  host: reviews
                  trafficPolicy:
                    connectionPool:
                      tcp:
                        maxConnections: %d
                  subsets:
                  - name: v1
                    labels:
                      version: v1
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: ratings
                  namespace: bookinfo
                spec:
                  hosts:
                  - ratings
                  http:
                  - timeout: %s
                    route:
                    - destination:
                        host: ratings
                """.formatted(maxConnections, ratingsTimeout);
    }

    private ClusterCatalog snapshot(String yaml) {
        MeshConfig.LoadResult loaded = MeshConfig.load("rules.yaml", yaml);
        assertThat(loaded.isValid()).as("valid rules").isTrue();
        return new ClusterCatalog(loaded.config(), PRODUCTPAGE, states);
    }

    @Test
    void aSwapThatLeavesTheClusterPolicyAloneKeepsItsState() {
        ClusterState before = snapshot(rules(10, "1s")).resolve(REVIEWS_V1, 9080).state();
        before.load().activeRequests.incrementAndGet();

        // Another resource changed (the ratings route's timeout): reviews' policy is equal.
        ClusterState after = snapshot(rules(10, "2s")).resolve(REVIEWS_V1, 9080).state();

        assertThat(after).isSameAs(before);
        assertThat(after.load().activeRequests.get()).isEqualTo(1);
    }

    @Test
    void aChangedPolicyStartsAFreshState() {
        ClusterState before = snapshot(rules(10, "1s")).resolve(REVIEWS_V1, 9080).state();
        before.load().activeRequests.incrementAndGet();
        ClusterState ratingsBefore = snapshot(rules(10, "1s")).resolve(RATINGS, 9080).state();

        ClusterCatalog changed = snapshot(rules(20, "1s"));
        ClusterState after = changed.resolve(REVIEWS_V1, 9080).state();

        assertThat(after).isNotSameAs(before);
        assertThat(after.policy().connectionPool().tcp().maxConnections()).isEqualTo(20);
        assertThat(after.load().activeRequests.get()).isZero();
        // The other cluster's policy did not change: its state stays.
        assertThat(changed.resolve(RATINGS, 9080).state()).isSameAs(ratingsBefore);
    }

    @Test
    void eachPortAndSubsetIsItsOwnCluster() {
        ClusterCatalog catalog = snapshot(rules(10, "1s"));

        ResolvedCluster v1 = catalog.resolve(REVIEWS_V1, 9080);
        ResolvedCluster whole = catalog.resolve(new WeightedDestination("reviews.bookinfo.svc.cluster.local", null, 9080, 100), 9080);
        ResolvedCluster otherPort = catalog.resolve(new WeightedDestination("reviews.bookinfo.svc.cluster.local", "v1", 9090, 100), 9080);

        assertThat(v1.key()).isEqualTo("reviews.bookinfo.svc.cluster.local|v1|9080");
        assertThat(whole.key()).isEqualTo("reviews.bookinfo.svc.cluster.local||9080");
        assertThat(otherPort.key()).isEqualTo("reviews.bookinfo.svc.cluster.local|v1|9090");
        assertThat(v1.state()).isNotSameAs(whole.state()).isNotSameAs(otherPort.state());
        assertThat(states.size()).isEqualTo(3);
    }

    @Test
    void aSubsetNoRuleDefinesIsReportedMissing() {
        ResolvedCluster missing = snapshot(rules(10, "1s"))
                .resolve(new WeightedDestination("reviews.bookinfo.svc.cluster.local", "v9", 9080, 100), 9080);

        assertThat(missing.missingSubset()).isTrue();
    }
}
