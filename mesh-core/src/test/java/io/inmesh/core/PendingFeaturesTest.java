package io.inmesh.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.config.MeshConfig;
import org.junit.jupiter.api.Test;

/** Settings the data path does not apply yet are named when rules take effect, never ignored silently. */
class PendingFeaturesTest {

    @Test
    void namesEverySettingTheDataPathDoesNotApplyYet() {
        MeshConfig config = MeshConfig.load("rules.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: ratings, namespace: bookinfo}
                spec:
                  hosts: [ratings]
                  http:
                  - match: [{headers: {end-user: {exact: jason}}}]
                    fault: {delay: {fixedDelay: 7s, percentage: {value: 100}}}
                    route: [{destination: {host: ratings, subset: v1}}]
                  - timeout: 2s
                    retries: {attempts: 3}
                    route: [{destination: {host: ratings, subset: v1}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: ratings, namespace: bookinfo}
                spec:
                  host: ratings
                  trafficPolicy:
                    loadBalancer: {simple: ROUND_ROBIN}
                  subsets:
                  - name: v1
                    labels: {version: v1}
                    trafficPolicy:
                      outlierDetection: {consecutive5xxErrors: 5}
                """).config();

        assertThat(PendingFeatures.find(config)).containsExactly(
                "VirtualService/bookinfo/ratings: spec.http[0].fault",
                "VirtualService/bookinfo/ratings: spec.http[1].timeout",
                "VirtualService/bookinfo/ratings: spec.http[1].retries",
                "DestinationRule/bookinfo/ratings: spec.subsets[0].trafficPolicy.outlierDetection");
    }
}
