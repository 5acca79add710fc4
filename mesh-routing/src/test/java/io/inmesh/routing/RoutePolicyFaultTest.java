package io.inmesh.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a route's fault and mirror percentages reach the data path: per million, as Istio hands them to Envoy. */
class RoutePolicyFaultTest {

    private static final Caller CALLER = Caller.of("bookinfo", Map.of("app", "productpage"));

    private static RoutePolicy policyOf(String route) {
        RouteTable table = Configs.yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: ratings, namespace: bookinfo}
                spec:
                  hosts: [ratings]
                  http:
                  - route:
                    - destination: {host: ratings}
                %s
                """.formatted(route.indent(4).stripTrailing()));
        return table.route(RouteRequest.builder().host("ratings").path("/").build(), CALLER).policy();
    }

    @Test
    void percentageIsTruncatedToPartsPerMillionAsIstioDoes() {
        RoutePolicy.Fault fault = policyOf("""
                fault:
                  abort:
                    httpStatus: 503
                    percentage: {value: 0.57}
                  delay:
                    fixedDelay: 1s
                    percentage: {value: 12.5}
                """).fault();
        // Istio: uint32(0.57 * 10000) = uint32(5699.999999999999) = 5699, not 5700.
        assertThat(fault.abortPerMillion()).isEqualTo(5699);
        assertThat(fault.delayPerMillion()).isEqualTo(125_000);
        assertThat(fault.abortStatus()).isEqualTo(503);
    }

    @Test
    void theDeprecatedIntegerPercentStillCountsForADelay() {
        RoutePolicy.Fault fault = policyOf("""
                fault:
                  delay:
                    fixedDelay: 7s
                    percent: 10
                """).fault();
        assertThat(fault.delayPerMillion()).isEqualTo(100_000);
        assertThat(fault.delay()).hasSeconds(7);
    }

    @Test
    void anAbortWithoutPercentageAbortsNothing() {
        // Istio leaves Envoy's abort percentage unset, which is 0: no request is aborted.
        assertThat(policyOf("""
                fault:
                  abort:
                    httpStatus: 500
                """).fault()).isNull();
    }

    @Test
    void aGrpcStatusAbortKeepsItsCode() {
        RoutePolicy.Fault fault = policyOf("""
                fault:
                  abort:
                    grpcStatus: UNAVAILABLE
                    percentage: {value: 100}
                """).fault();
        assertThat(fault.abortStatus()).isZero();
        assertThat(fault.abortGrpcStatus()).isEqualTo(14);
        assertThat(fault.abortPerMillion()).isEqualTo(1_000_000);
    }

    @Test
    void mirrorsDefaultToAllRequestsAndFollowMirrorPercentage() {
        assertThat(policyOf("mirror: {host: ratings-shadow}").mirrors())
                .singleElement().satisfies(m -> assertThat(m.perMillion()).isEqualTo(1_000_000));
        assertThat(policyOf("mirror: {host: ratings-mirror}\nmirrorPercentage: {value: 25.5}").mirrors())
                .singleElement().satisfies(m -> assertThat(m.perMillion()).isEqualTo(255_000));
    }
}
