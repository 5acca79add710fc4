package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.ValidationFixture.diagnostics;
import static io.inmesh.core.internal.validation.ValidationFixture.document;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Istio's PeerAuthentication rules, and the target references inmesh refuses rather than
 * ignores. Spec line n is file line n + 6.
 */
class PeerAuthenticationValidationTest {

    @Test
    void validPolicyHasNoDiagnostics() {
        assertThat(diagnostics(document("PeerAuthentication", """
                selector:
                  matchLabels: {app: reviews}
                mtls: {mode: STRICT}
                portLevelMtls:
                  9080: {mode: PERMISSIVE}
                """))).isEmpty();
    }

    @Test
    void portLevelMtlsWithoutSelector() {
        assertThat(diagnostics(document("PeerAuthentication", """
                mtls: {mode: STRICT}
                portLevelMtls:
                  9080: {mode: DISABLE}
                """))).containsExactly(
                "test.yaml:8:3: error: PeerAuthentication/ns/test: spec.portLevelMtls: portLevelMtls without a selector (expected a selector with matchLabels; port-level modes apply only to selected workloads)");
    }

    @Test
    void portLevelMtlsPortOutOfRange() {
        assertThat(diagnostics(document("PeerAuthentication", """
                selector:
                  matchLabels: {app: reviews}
                portLevelMtls:
                  0: {mode: DISABLE}
                """))).containsExactly(
                "test.yaml:10:5: error: PeerAuthentication/ns/test: spec.portLevelMtls[0]: 0 (expected a port number 1..65535)");
    }

    @Test
    void selectorWithWildcard() {
        assertThat(diagnostics(document("PeerAuthentication", """
                selector:
                  matchLabels: {app: "*"}
                mtls: {mode: STRICT}
                """))).containsExactly(
                "test.yaml:8:24: error: PeerAuthentication/ns/test: spec.selector.matchLabels[app]: \"app=*\" (expected labels without wildcards)");
    }

    @Test
    void selectorWithoutLabelsIsAWarning() {
        assertThat(diagnostics(document("PeerAuthentication", """
                selector: {}
                mtls: {mode: STRICT}
                """))).containsExactly(
                "test.yaml:7:3: warning: PeerAuthentication/ns/test: spec.selector.matchLabels: no labels (expected labels; an empty selector applies to every workload in the namespace)");
    }

    @Test
    void targetRefIsRejected() {
        assertThat(diagnostics(document("PeerAuthentication", """
                targetRef: {kind: Service, name: reviews}
                mtls: {mode: DISABLE}
                """))).containsExactly(
                "test.yaml:7:3: error: PeerAuthentication/ns/test: spec.targetRef: unsupported: targetRef is not implemented by inmesh (rejected rather than ignored: ignoring it would apply the mode to the whole namespace)");
    }
}
