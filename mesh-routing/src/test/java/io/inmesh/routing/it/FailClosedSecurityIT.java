package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.MeshServer;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/**
 * Security configuration that this inmesh version cannot enforce yet fails closed: a server whose
 * workload an AuthorizationPolicy, RequestAuthentication or STRICT PeerAuthentication selects refuses
 * every request with 403, and a client never sends in plaintext what a DestinationRule says to encrypt.
 */
@ExtendWith(BlockHoundExtension.class)
class FailClosedSecurityIT {

    private static final Map<String, String> RATINGS = Map.of("app", "ratings", "version", "v1");

    /** Status and body of a call to a ratings MeshServer whose mesh runs {@code policies}. */
    private static MeshResponse callRatingsUnder(String policies) {
        TestConfigSource serverRules = new TestConfigSource().push(policies);
        try (Mesh ratingsMesh = Mesh.builder().workload(LocalWorkload.of("ratings-v1", Yaml.NAMESPACE, RATINGS)).configSource(serverRules).build()) {
            ratingsMesh.ready().block(Meshes.WAIT);
            try (MeshServer ratings = ratingsMesh.server(request -> Mono.just(MeshResponse.text(200, "ratings-v1"))).bind()) {
                TestConfigSource clientRules = new TestConfigSource().push(Yaml.serviceEntry("ratings"),
                        Yaml.workloadEntry("ratings-v1", "ratings", "v1", ratings.port()));
                try (Mesh productpage = Meshes.productpage(clientRules)) {
                    return productpage.client().get("http://ratings:9080/ratings/0").exchange()
                            .flatMap(response -> response.bodyAsString().map(body -> MeshResponse.text(response.status(), body)))
                            .block(Meshes.WAIT);
                }
            }
        }
    }

    private static String status(MeshResponse response) {
        return response.status() + " " + response.bodyAsString().block(Meshes.WAIT);
    }

    @Test
    void anAuthorizationPolicySelectingTheWorkloadMakesItRefuseEveryRequest() {
        MeshResponse response = callRatingsUnder("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: ratings-viewer, namespace: bookinfo}
                spec:
                  selector: {matchLabels: {app: ratings}}
                  action: ALLOW
                  rules:
                  - from: [{source: {principals: [cluster.local/ns/bookinfo/sa/bookinfo-reviews]}}]
                """);

        assertThat(status(response)).isEqualTo("403 RBAC: access denied: AuthorizationPolicy/bookinfo/ratings-viewer (authorization)"
                + " applies to workload bookinfo/ratings-v1 and this inmesh version does not enforce it yet; refusing rather than ignoring it\n");
    }

    @Test
    void strictMutualTlsFromTheRootNamespaceRefusesAndPoliciesForOtherWorkloadsDoNot() {
        assertThat(status(callRatingsUnder("""
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default, namespace: istio-system}
                spec:
                  mtls: {mode: STRICT}
                """))).startsWith("403 RBAC: access denied: PeerAuthentication/istio-system/default (STRICT mTLS)");

        assertThat(status(callRatingsUnder("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: details-only, namespace: bookinfo}
                spec:
                  selector: {matchLabels: {app: details}}
                  action: DENY
                  rules: [{to: [{operation: {methods: [POST]}}]}]
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: permissive, namespace: bookinfo}
                spec:
                  mtls: {mode: PERMISSIVE}
                """))).isEqualTo("200 ratings-v1");
    }

    @Test
    void aDestinationRuleAskingForTlsIsNeverSentInPlaintext() {
        UpstreamWorkload reviews = UpstreamWorkload.start("reviews-v1", "reviews", "v1");
        try (reviews; Mesh productpage = Meshes.productpage(new TestConfigSource().push(Yaml.serviceEntry("reviews"), reviews.workloadEntry(), """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: bookinfo}
                spec:
                  host: reviews
                  trafficPolicy:
                    tls: {mode: ISTIO_MUTUAL}
                """))) {
            MeshException refused = catchThrowableOfType(MeshException.class, () -> Meshes.get(productpage, "http://reviews:9080/reviews/0"));

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.flag()).isEqualTo(ResponseFlag.UF);
            assertThat(refused.reason()).isEqualTo("TLS mode ISTIO_MUTUAL towards reviews.bookinfo.svc.cluster.local||9080"
                    + " (DestinationRule bookinfo/reviews) is not implemented by this inmesh version; refusing to send the request in plaintext");
            assertThat(reviews.seen()).isEmpty();
        }
    }
}
