package io.inmesh.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.model.LoadBalancerSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which DestinationRule governs a host for a caller, and how a subset's policy combines with its rule's. */
class DestinationRuleResolutionTest {

    private static final String HOST = "reviews.bookinfo.svc.cluster.local";

    private static final RouteTable TABLE = Configs.yaml("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: mesh-wide, namespace: istio-system}
            spec:
              host: '*.svc.cluster.local'
              trafficPolicy:
                loadBalancer: {simple: RANDOM}
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              host: reviews
              trafficPolicy:
                loadBalancer: {simple: LEAST_REQUEST}
                connectionPool:
                  tcp: {maxConnections: 10}
              subsets:
              - name: v1
                labels: {version: v1}
              - name: v2
                labels: {version: v2}
                trafficPolicy:
                  loadBalancer: {simple: ROUND_ROBIN}
                  outlierDetection: {consecutive5xxErrors: 3, interval: 10s}
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews-for-tests, namespace: test}
            spec:
              host: reviews.bookinfo.svc.cluster.local
              subsets:
              - name: v1
                labels: {version: v1, track: canary}
            """);

    @Test
    void subsetPolicyOverridesTheRulePolicySettingBySetting() {
        ResolvedSubset v2 = TABLE.resolveSubset(HOST, "v2", Caller.of("bookinfo", Map.of()));
        assertThat(v2.destinationRule()).isEqualTo("bookinfo/reviews");
        assertThat(v2.labels()).containsExactly(Map.entry("version", "v2"));
        assertThat(v2.trafficPolicy().loadBalancer().simple()).isEqualTo(LoadBalancerSettings.SimpleLb.ROUND_ROBIN);
        assertThat(v2.trafficPolicy().outlierDetection().interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(v2.trafficPolicy().connectionPool().tcp().maxConnections()).as("inherited from the rule").isEqualTo(10);

        ResolvedSubset v1 = TABLE.resolveSubset(HOST, "v1", Caller.of("bookinfo", Map.of()));
        assertThat(v1.trafficPolicy().loadBalancer().simple()).isEqualTo(LoadBalancerSettings.SimpleLb.LEAST_REQUEST);
        assertThat(TABLE.resolveSubset(HOST, "v9", Caller.of("bookinfo", Map.of()))).isNull();
    }

    @Test
    void callerNamespaceFirstThenServiceNamespaceThenRootNamespace() {
        assertThat(TABLE.resolveSubset(HOST, "v1", Caller.of("test", Map.of())).labels())
                .containsEntry("track", "canary");
        assertThat(TABLE.resolveSubset(HOST, "v1", Caller.of("frontend", Map.of())).destinationRule())
                .isEqualTo("bookinfo/reviews");
        ResolvedSubset other = TABLE.resolveSubset("ratings.bookinfo.svc.cluster.local", null, Caller.of("frontend", Map.of()));
        assertThat(other.destinationRule()).isEqualTo("istio-system/mesh-wide");
        assertThat(other.trafficPolicy().loadBalancer().simple()).isEqualTo(LoadBalancerSettings.SimpleLb.RANDOM);
        assertThat(TABLE.resolveSubset("example.com", null, Caller.of("frontend", Map.of()))).isNull();
    }
}
