package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.ValidationFixture.diagnostics;
import static io.inmesh.core.internal.validation.ValidationFixture.document;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Istio's WorkloadEntry rules. Spec line n is file line n + 6.
 */
class WorkloadEntryValidationTest {

    @Test
    void validWorkloadEntryHasNoDiagnostics() {
        assertThat(diagnostics(document("WorkloadEntry", """
                address: vm-1.example.com
                ports: {http: 8080}
                labels: {app: ratings}
                """))).isEmpty();
    }

    @Test
    void missingAddress() {
        assertThat(diagnostics(document("WorkloadEntry", """
                labels: {app: ratings}
                """))).containsExactly(
                "test.yaml:7:3: error: WorkloadEntry/ns/test: spec.address: missing address (expected an address, or a network)");
    }

    @Test
    void addressWithNetworkOnlyIsAWarning() {
        assertThat(diagnostics(document("WorkloadEntry", """
                network: vpc-1
                labels: {app: ratings}
                """))).containsExactly(
                "test.yaml:7:3: warning: WorkloadEntry/ns/test: spec.address: missing address (expected an address; only network \"vpc-1\" is set)");
    }

    @Test
    void addressThatIsNeitherIpNorDnsName() {
        assertThat(diagnostics(document("WorkloadEntry", """
                address: vm_1.example.com
                """))).containsExactly(
                "test.yaml:7:12: error: WorkloadEntry/ns/test: spec.address: \"vm_1.example.com\" (expected an IP address or a DNS name)");
    }

    @Test
    void portNameThatIsNotADnsLabel() {
        assertThat(diagnostics(document("WorkloadEntry", """
                address: 10.0.0.1
                ports: {http_alt: 8080}
                """))).containsExactly(
                "test.yaml:8:21: error: WorkloadEntry/ns/test: spec.ports[http_alt]: \"http_alt\" (expected a port name, a DNS-1123 label: letters, digits and '-', starting and ending with a letter or digit)");
    }

    @Test
    void portOutOfRange() {
        assertThat(diagnostics(document("WorkloadEntry", """
                address: 10.0.0.1
                ports: {http: 65536}
                """))).containsExactly(
                "test.yaml:8:17: error: WorkloadEntry/ns/test: spec.ports[http]: 65536 (expected a port number 1..65535)");
    }

    @Test
    void labelKeyThatIsNotALabel() {
        assertThat(diagnostics(document("WorkloadEntry", """
                address: 10.0.0.1
                labels: {"-app": ratings}
                """))).containsExactly(
                "test.yaml:8:20: error: WorkloadEntry/ns/test: spec.labels[-app]: label key \"-app\" (expected a label key such as app or example.com/app)");
    }

    @Test
    void negativeWeight() {
        assertThat(diagnostics(document("WorkloadEntry", """
                address: 10.0.0.1
                weight: -1
                """))).containsExactly(
                "test.yaml:8:11: error: WorkloadEntry/ns/test: spec.weight: -1 (expected an integer >= 0)");
    }
}
