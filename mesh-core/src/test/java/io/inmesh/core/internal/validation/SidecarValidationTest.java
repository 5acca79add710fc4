package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.ValidationFixture.diagnostics;
import static io.inmesh.core.internal.validation.ValidationFixture.document;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Istio's Sidecar rules: egress hosts as {@code namespace/dnsName}, listener ports, outbound
 * traffic policy. Spec line n is file line n + 6.
 */
class SidecarValidationTest {

    @Test
    void validSidecarHasNoDiagnostics() {
        assertThat(diagnostics(document("Sidecar", """
                egress:
                - hosts: ["./*", "istio-system/*"]
                outboundTrafficPolicy: {mode: REGISTRY_ONLY}
                """))).isEmpty();
    }

    @Test
    void emptySidecar() {
        assertThat(diagnostics(document("Sidecar", """
                workloadSelector:
                  labels: {app: reviews}
                """))).containsExactly(
                "test.yaml:7:3: error: Sidecar/ns/test: spec: empty Sidecar (expected at least one of egress, ingress, outboundTrafficPolicy, inboundConnectionPool)");
    }

    @Test
    void emptyWorkloadSelectorIsAWarning() {
        assertThat(diagnostics(document("Sidecar", """
                workloadSelector: {}
                egress:
                - hosts: ["./*"]
                """))).containsExactly(
                "test.yaml:7:3: warning: Sidecar/ns/test: spec.workloadSelector.labels: no labels (expected labels; an empty selector applies to every workload in the namespace)");
    }

    @Test
    void egressListenerWithoutHosts() {
        assertThat(diagnostics(document("Sidecar", """
                egress:
                - hosts: []
                """))).containsExactly(
                "test.yaml:8:5: error: Sidecar/ns/test: spec.egress[0].hosts: no hosts (expected at least one namespace/dnsName host)");
    }

    @Test
    void egressHostWithoutNamespace() {
        assertThat(diagnostics(document("Sidecar", """
                egress:
                - hosts: [reviews.bookinfo.svc.cluster.local]
                """))).containsExactly(
                "test.yaml:8:13: error: Sidecar/ns/test: spec.egress[0].hosts[0]: \"reviews.bookinfo.svc.cluster.local\" (expected namespace/dnsName, such as ./reviews.bookinfo.svc.cluster.local or istio-system/*)");
    }

    @Test
    void egressHostWithShortName() {
        assertThat(diagnostics(document("Sidecar", """
                egress:
                - hosts: [bookinfo/reviews]
                """))).containsExactly(
                "test.yaml:8:13: error: Sidecar/ns/test: spec.egress[0].hosts[0]: \"bookinfo/reviews\" (expected a fully qualified dnsName or *; short names are not allowed here)");
    }

    @Test
    void egressHostWithInvalidNamespace() {
        assertThat(diagnostics(document("Sidecar", """
                egress:
                - hosts: ["book_info/*"]
                """))).containsExactly(
                "test.yaml:8:13: error: Sidecar/ns/test: spec.egress[0].hosts[0]: \"book_info/*\" (expected a namespace that is *, ., ~, or a DNS-1123 label)");
    }

    @Test
    void egressHostWithPartialWildcard() {
        assertThat(diagnostics(document("Sidecar", """
                egress:
                - hosts: ["bookinfo/*reviews.example.com"]
                """))).containsExactly(
                "test.yaml:8:13: error: Sidecar/ns/test: spec.egress[0].hosts[0]: \"bookinfo/*reviews.example.com\" (expected a wildcard only as the whole first label, such as *.example.com)");
    }

    @Test
    void duplicateEgressHostIsAWarning() {
        assertThat(diagnostics(document("Sidecar", """
                egress:
                - hosts: ["bookinfo/*", "bookinfo/reviews.bookinfo.svc.cluster.local"]
                """))).containsExactly(
                "test.yaml:8:27: warning: Sidecar/ns/test: spec.egress[0].hosts[1]: \"bookinfo/reviews.bookinfo.svc.cluster.local\" (expected each host once; an earlier host of namespace bookinfo covers it)");
    }

    @Test
    void everyHostBesideOthersIsAWarning() {
        assertThat(diagnostics(document("Sidecar", """
                egress:
                - hosts: ["*/*", "istio-system/*"]
                """))).containsExactly(
                "test.yaml:8:13: warning: Sidecar/ns/test: spec.egress[0].hosts[0]: \"*/*\" (expected it alone; it selects every host of every namespace)");
    }

    @Test
    void catchAllListenerBeforeOthers() {
        assertThat(diagnostics(document("Sidecar", """
                egress:
                - hosts: ["./*"]
                - port: {number: 9080, protocol: HTTP, name: http}
                  hosts: ["./*"]
                """))).containsExactly(
                "test.yaml:8:5: error: Sidecar/ns/test: spec.egress[0]: listener without port before others (expected the listener without port last)",
                "test.yaml:9:5: warning: Sidecar/ns/test: spec.egress[1].port: unsupported: port is ignored by inmesh (the listener's hosts apply to every port)");
    }

    @Test
    void duplicateEgressPort() {
        assertThat(diagnostics(document("Sidecar", """
                egress:
                - port: {number: 9080, protocol: HTTP, name: http}
                  hosts: ["./*"]
                - port: {number: 9080, protocol: HTTP, name: http-2}
                  hosts: ["istio-system/*"]
                """))).containsExactly(
                "test.yaml:8:5: warning: Sidecar/ns/test: spec.egress[0].port: unsupported: port is ignored by inmesh (the listener's hosts apply to every port)",
                "test.yaml:10:5: warning: Sidecar/ns/test: spec.egress[1].port: unsupported: port is ignored by inmesh (the listener's hosts apply to every port)",
                "test.yaml:10:20: error: Sidecar/ns/test: spec.egress[1].port.number: duplicate port 9080 (expected unique ports; spec.egress[0] has it already)");
    }

    @Test
    void egressPortZeroWithoutUnixSocket() {
        assertThat(diagnostics(document("Sidecar", """
                egress:
                - port: {number: 0, protocol: HTTP, name: uds}
                  hosts: ["./*"]
                """))).containsExactly(
                "test.yaml:8:5: error: Sidecar/ns/test: spec.egress[0].bind: missing (expected a unix:// socket path for a listener with port 0)",
                "test.yaml:8:5: warning: Sidecar/ns/test: spec.egress[0].port: unsupported: port is ignored by inmesh (the listener's hosts apply to every port)");
    }

    @Test
    void egressProxyWithRegistryOnly() {
        assertThat(diagnostics(document("Sidecar", """
                egress:
                - hosts: ["./*"]
                outboundTrafficPolicy:
                  mode: REGISTRY_ONLY
                  egressProxy: {host: egress.example.com, port: {number: 3128}}
                """))).containsExactly(
                "test.yaml:11:5: error: Sidecar/ns/test: spec.outboundTrafficPolicy.egressProxy: egressProxy with mode REGISTRY_ONLY (expected mode ALLOW_ANY, the only mode that sends traffic to an egress proxy)");
    }

    @Test
    void egressProxyWithoutPort() {
        assertThat(diagnostics(document("Sidecar", """
                egress:
                - hosts: ["./*"]
                outboundTrafficPolicy:
                  mode: ALLOW_ANY
                  egressProxy: {host: egress.example.com}
                """))).containsExactly(
                "test.yaml:11:5: error: Sidecar/ns/test: spec.outboundTrafficPolicy.egressProxy.port: missing (expected the egress proxy's port)");
    }

    @Test
    void ingressListenersAreUnsupported() {
        assertThat(diagnostics(document("Sidecar", """
                ingress:
                - port: {number: 9080, protocol: HTTP, name: http}
                  defaultEndpoint: 127.0.0.1:8080
                """))).containsExactly(
                "test.yaml:7:3: warning: Sidecar/ns/test: spec.ingress: unsupported: ingress is ignored by inmesh");
    }
}
