package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.ValidationFixture.diagnostics;
import static io.inmesh.core.internal.validation.ValidationFixture.document;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The checks across resources, as {@code istioctl analyze} makes them: duplicate resources,
 * undefined subsets, unknown hosts and gateways, hosts claimed twice.
 */
class CrossResourceChecksTest {

    @Test
    void duplicateResourceIsOneErrorWithoutAHostConflictWarningOnTop() {
        assertThat(diagnostics("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  host: reviews
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  host: reviews.bookinfo.svc.cluster.local
                """)).containsExactly(
                "test.yaml:12:9: error: DestinationRule/bookinfo/reviews: metadata.name: another DestinationRule/bookinfo/reviews, first defined at test.yaml:1:1 (expected each kind, namespace and name once)");
    }

    @Test
    void subsetThatTheDestinationRuleDoesNotDefine() {
        assertThat(diagnostics("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  host: reviews
                  subsets:
                  - name: v1
                    labels: {version: v1}
                  - name: v2
                    labels: {version: v2}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                    - destination: {host: reviews, subset: v3}
                """)).containsExactly(
                "test.yaml:23:44: warning: VirtualService/bookinfo/reviews: spec.http[0].route[0].destination.subset: subset \"v3\" (expected one of the subsets the DestinationRules for host reviews.bookinfo.svc.cluster.local define: v1, v2; until then requests routed here fail with 503)");
    }

    @Test
    void subsetWithoutDestinationRule() {
        assertThat(diagnostics("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                    - destination: {host: reviews, subset: v1}
                    mirror: {host: ratings, subset: v2}
                """)).containsExactly(
                "test.yaml:10:44: warning: VirtualService/bookinfo/reviews: spec.http[0].route[0].destination.subset: subset \"v1\" (expected a DestinationRule for host reviews.bookinfo.svc.cluster.local that defines it; there is none; until then requests routed here fail with 503)",
                "test.yaml:11:37: warning: VirtualService/bookinfo/reviews: spec.http[0].mirror.subset: subset \"v2\" (expected a DestinationRule for host ratings.bookinfo.svc.cluster.local that defines it; there is none; until then requests routed here fail with 503)");
    }

    @Test
    void subsetOfADestinationRuleInAnotherNamespace() {
        assertThat(diagnostics("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  host: reviews
                  subsets:
                  - name: v1
                    labels: {version: v1}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: frontend
                spec:
                  hosts: [reviews.bookinfo.svc.cluster.local]
                  http:
                  - route:
                    - destination: {host: reviews.bookinfo.svc.cluster.local, subset: v1}
                """)).isEmpty();
    }

    @Test
    void subsetOfAWildcardDestinationRule() {
        assertThat(diagnostics("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: all
                  namespace: bookinfo
                spec:
                  host: "*.bookinfo.svc.cluster.local"
                  subsets:
                  - name: v1
                    labels: {version: v1}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                    - destination: {host: reviews, subset: v1}
                """)).isEmpty();
    }

    @Test
    void unknownHostIsAWarning() {
        assertThat(diagnostics("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: api
                  namespace: bookinfo
                spec:
                  hosts: [api.example.com]
                  http:
                  - route:
                    - destination: {host: api.example.com}
                    mirrors:
                    - destination: {host: reviews.bookinfo}
                """)).containsExactly(
                "test.yaml:10:27: warning: VirtualService/bookinfo/api: spec.http[0].route[0].destination.host: \"api.example.com\" (expected a ServiceEntry host or a Kubernetes service such as reviews.bookinfo.svc.cluster.local; no resource defines api.example.com)",
                "test.yaml:12:27: warning: VirtualService/bookinfo/api: spec.http[0].mirrors[0].destination.host: \"reviews.bookinfo\" (expected a ServiceEntry host or a Kubernetes service such as reviews.bookinfo.svc.cluster.local; no resource defines reviews.bookinfo)");
    }

    @Test
    void serviceEntryHostsAreKnown() {
        assertThat(diagnostics("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: external
                  namespace: bookinfo
                spec:
                  hosts: [api.example.com, "*.googleapis.com"]
                  ports:
                  - {number: 443, name: https, protocol: HTTPS}
                  resolution: NONE
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: api
                  namespace: bookinfo
                spec:
                  hosts: [api.example.com]
                  http:
                  - route:
                    - destination: {host: api.example.com}
                      weight: 90
                    - destination: {host: storage.googleapis.com}
                      weight: 10
                """)).isEmpty();
    }

    @Test
    void twoVirtualServicesForOneHost() {
        assertThat(diagnostics("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                    - destination: {host: reviews}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews-canary
                  namespace: bookinfo
                spec:
                  hosts: [reviews.bookinfo.svc.cluster.local]
                  http:
                  - route:
                    - destination: {host: reviews}
                """)).containsExactly(
                "test.yaml:18:11: warning: VirtualService/bookinfo/reviews-canary: spec.hosts[0]: \"reviews.bookinfo.svc.cluster.local\" is also a host of VirtualService/bookinfo/reviews (expected one VirtualService per host; only the first in read order applies)");
    }

    @Test
    void oneHostOnTheMeshAndOnAGateway() {
        assertThat(diagnostics("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata:
                  name: edge
                  namespace: bookinfo
                spec:
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: ["*"]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                    - destination: {host: reviews}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews-edge
                  namespace: bookinfo
                spec:
                  hosts: [reviews]
                  gateways: [edge]
                  http:
                  - route:
                    - destination: {host: reviews}
                """)).isEmpty();
    }

    @Test
    void twoDestinationRulesForOneHost() {
        assertThat(diagnostics("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  host: reviews
                  trafficPolicy:
                    loadBalancer: {simple: RANDOM}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews-tls
                  namespace: bookinfo
                spec:
                  host: reviews.bookinfo.svc.cluster.local
                  trafficPolicy:
                    tls: {mode: ISTIO_MUTUAL}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: frontend
                spec:
                  host: reviews.bookinfo.svc.cluster.local
                  trafficPolicy:
                    tls: {mode: ISTIO_MUTUAL}
                """)).containsExactly(
                "test.yaml:17:9: warning: DestinationRule/bookinfo/reviews-tls: spec.host: \"reviews.bookinfo.svc.cluster.local\" is also the host of DestinationRule/bookinfo/reviews (expected one DestinationRule per host in a namespace; only the first in read order applies)");
    }

    @Test
    void gatewayThatDoesNotExistIsAWarning() {
        assertThat(diagnostics("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata:
                  name: edge
                  namespace: istio-system
                spec:
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: ["*"]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: bookinfo
                  namespace: bookinfo
                spec:
                  hosts: ["*"]
                  gateways: [istio-system/edge, edge]
                  http:
                  - route:
                    - destination: {host: productpage}
                """)).containsExactly(
                "test.yaml:18:33: warning: VirtualService/bookinfo/bookinfo: spec.gateways[1]: \"edge\" (expected a Gateway; there is no Gateway/bookinfo/edge)");
    }
}
