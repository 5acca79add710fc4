package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.ValidationFixture.diagnostics;
import static io.inmesh.core.internal.validation.ValidationFixture.document;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Istio's ServiceEntry rules: hosts, addresses, ports, and endpoints as the resolution needs them.
 * Spec line n is file line n + 6.
 */
class ServiceEntryValidationTest {

    @Test
    void validServiceEntryHasNoDiagnostics() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 443, name: https, protocol: TLS}
                resolution: DNS
                location: MESH_EXTERNAL
                """))).isEmpty();
    }

    @Test
    void noHosts() {
        assertThat(diagnostics(document("ServiceEntry", """
                ports:
                - {number: 80, name: http, protocol: HTTP}
                """))).containsExactly(
                "test.yaml:7:3: error: ServiceEntry/ns/test: spec.hosts: no hosts (expected at least one host)");
    }

    @Test
    void hostForEveryName() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: ["*"]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                """))).containsExactly(
                "test.yaml:7:11: error: ServiceEntry/ns/test: spec.hosts[0]: \"*\" (expected a host other than *)");
    }

    @Test
    void partialWildcardHostIsAWarning() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: ["*example.com"]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                """))).containsExactly(
                "test.yaml:7:11: warning: ServiceEntry/ns/test: spec.hosts[0]: \"*example.com\" (expected a wildcard only as the whole first label, such as *.example.com)");
    }

    @Test
    void addressThatIsNotAnIp() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [db.example.com]
                addresses: [10.0.0.300]
                ports:
                - {number: 5432, name: tcp, protocol: TCP}
                """))).containsExactly(
                "test.yaml:8:15: error: ServiceEntry/ns/test: spec.addresses[0]: \"10.0.0.300\" (expected an IP address or a CIDR block such as 10.0.0.0/16)");
    }

    @Test
    void cidrWithDnsResolution() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [db.example.com]
                addresses: [10.0.0.0/24]
                ports:
                - {number: 5432, name: tcp, protocol: TCP}
                resolution: DNS
                """))).containsExactly(
                "test.yaml:8:15: error: ServiceEntry/ns/test: spec.addresses[0]: \"10.0.0.0/24\" (expected an IP address; CIDR blocks need resolution NONE or STATIC)");
    }

    @Test
    void portNameThatIsNotADnsLabel() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http_plain, protocol: HTTP}
                """))).containsExactly(
                "test.yaml:9:24: error: ServiceEntry/ns/test: spec.ports[0].name: \"http_plain\" (expected a port name, a DNS-1123 label: letters, digits and '-', starting and ending with a letter or digit)");
    }

    @Test
    void duplicatePortName() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                - {number: 8080, name: http, protocol: HTTP}
                """))).containsExactly(
                "test.yaml:10:26: error: ServiceEntry/ns/test: spec.ports[1].name: duplicate port name \"http\" (expected unique port names; spec.ports[0] has it already)");
    }

    @Test
    void duplicatePortNumber() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                - {number: 80, name: web, protocol: HTTP}
                """))).containsExactly(
                "test.yaml:10:14: error: ServiceEntry/ns/test: spec.ports[1].number: duplicate port 80 (expected unique port numbers; spec.ports[0] has it already)");
    }

    @Test
    void portWithoutNumber() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {name: http, protocol: HTTP}
                """))).containsExactly(
                "test.yaml:9:5: error: ServiceEntry/ns/test: spec.ports[0].number: missing (expected a port number 1..65535)");
    }

    @Test
    void portNumberOutOfRange() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 0, name: http, protocol: HTTP}
                """))).containsExactly(
                "test.yaml:9:14: error: ServiceEntry/ns/test: spec.ports[0].number: 0 (expected a port number 1..65535)");
    }

    @Test
    void unknownProtocol() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: SPDY}
                """))).containsExactly(
                "test.yaml:9:40: error: ServiceEntry/ns/test: spec.ports[0].protocol: \"SPDY\" (expected one of: HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS, MYSQL, UDP)");
    }

    @Test
    void targetPortOutOfRange() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP, targetPort: 70000}
                resolution: STATIC
                endpoints:
                - address: 10.0.0.1
                """))).containsExactly(
                "test.yaml:9:58: error: ServiceEntry/ns/test: spec.ports[0].targetPort: 70000 (expected a port number 1..65535)");
    }

    @Test
    void targetPortWithResolutionNoneIsAWarning() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP, targetPort: 8080}
                """))).containsExactly(
                "test.yaml:9:58: warning: ServiceEntry/ns/test: spec.ports[0].targetPort: 8080 (expected no targetPort with resolution NONE, where it has no effect)");
    }

    @Test
    void endpointsWithResolutionNone() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                resolution: NONE
                endpoints:
                - address: 10.0.0.1
                """))).containsExactly(
                "test.yaml:11:3: error: ServiceEntry/ns/test: spec.endpoints: endpoints with resolution NONE (expected no endpoints, or resolution STATIC or DNS)");
    }

    @Test
    void staticEndpointWithDnsName() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                resolution: STATIC
                endpoints:
                - address: api-1.example.com
                """))).containsExactly(
                "test.yaml:12:14: error: ServiceEntry/ns/test: spec.endpoints[0].address: \"api-1.example.com\" (expected an IP address or a unix:// socket, as resolution STATIC needs)");
    }

    @Test
    void staticEndpointWithoutAddress() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                resolution: STATIC
                endpoints:
                - labels: {app: api}
                """))).containsExactly(
                "test.yaml:12:5: error: ServiceEntry/ns/test: spec.endpoints[0].address: missing address (expected an address, or a network)");
    }

    @Test
    void unixEndpointThatIsNotAnAbsolutePath() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                resolution: STATIC
                endpoints:
                - address: unix://var/run/api.sock
                """))).containsExactly(
                "test.yaml:12:14: error: ServiceEntry/ns/test: spec.endpoints[0].address: \"unix://var/run/api.sock\" (expected unix:// followed by an absolute file path or @name)");
    }

    @Test
    void unixEndpointWithPorts() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                resolution: STATIC
                endpoints:
                - address: unix:///var/run/api.sock
                  ports: {http: 8080}
                """))).containsExactly(
                "test.yaml:13:5: error: ServiceEntry/ns/test: spec.endpoints[0].ports: ports on a unix socket endpoint (expected no ports)");
    }

    @Test
    void endpointPortThatTheServiceDoesNotHave() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                resolution: STATIC
                endpoints:
                - address: 10.0.0.1
                  ports: {https: 8443}
                """))).containsExactly(
                "test.yaml:13:20: error: ServiceEntry/ns/test: spec.endpoints[0].ports[https]: port name \"https\" (expected a port name of the ServiceEntry: http)");
    }

    @Test
    void endpointPortOutOfRange() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                resolution: STATIC
                endpoints:
                - address: 10.0.0.1
                  ports: {http: 0}
                """))).containsExactly(
                "test.yaml:13:19: error: ServiceEntry/ns/test: spec.endpoints[0].ports[http]: 0 (expected a port number 1..65535)");
    }

    @Test
    void wildcardHostWithDnsResolutionAndNoEndpoints() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: ["*.example.com"]
                ports:
                - {number: 443, name: https, protocol: TLS}
                resolution: DNS
                """))).containsExactly(
                "test.yaml:7:11: error: ServiceEntry/ns/test: spec.hosts[0]: \"*.example.com\" (expected a DNS name without wildcard, which resolution DNS resolves when there are no endpoints)");
    }

    @Test
    void dnsRoundRobinWithTwoEndpoints() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                resolution: DNS_ROUND_ROBIN
                endpoints:
                - address: api-1.example.com
                - address: api-2.example.com
                """))).containsExactly(
                "test.yaml:13:5: error: ServiceEntry/ns/test: spec.endpoints[1]: 2 endpoints (expected at most 1 endpoint with resolution DNS_ROUND_ROBIN)");
    }

    @Test
    void dnsEndpointThatIsNotADnsName() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                resolution: DNS
                endpoints:
                - address: api_1.example.com
                """))).containsExactly(
                "test.yaml:12:14: error: ServiceEntry/ns/test: spec.endpoints[0].address: \"api_1.example.com\" (expected an IP address or a DNS name)");
    }

    @Test
    void severalHostsOnATcpPort() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [db-1.example.com, db-2.example.com]
                ports:
                - {number: 5432, name: tcp, protocol: TCP}
                resolution: DNS
                """))).containsExactly(
                "test.yaml:9:41: error: ServiceEntry/ns/test: spec.ports[0].protocol: \"TCP\" (expected an HTTP or TLS protocol, which tell several hosts apart, or resolution NONE)");
    }

    @Test
    void workloadSelectorAndEndpoints() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                resolution: STATIC
                workloadSelector:
                  labels: {app: api}
                endpoints:
                - address: 10.0.0.1
                """))).containsExactly(
                "test.yaml:13:3: error: ServiceEntry/ns/test: spec.endpoints: workloadSelector and endpoints set (expected only one of: workloadSelector, endpoints)");
    }

    @Test
    void workloadSelectorWithResolutionNoneIsAWarning() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                resolution: NONE
                workloadSelector:
                  labels: {app: api}
                """))).containsExactly(
                "test.yaml:11:3: warning: ServiceEntry/ns/test: spec.workloadSelector: workloadSelector with resolution NONE (expected resolution STATIC, DNS or DNS_ROUND_ROBIN; with NONE the selected workloads are not used)");
    }

    @Test
    void workloadSelectorWithWildcard() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                resolution: STATIC
                workloadSelector:
                  labels: {app: "api-*"}
                """))).containsExactly(
                "test.yaml:12:19: error: ServiceEntry/ns/test: spec.workloadSelector.labels[app]: \"app=api-*\" (expected labels without wildcards)");
    }

    @Test
    void exportToNoOneAndSomeone() {
        assertThat(diagnostics(document("ServiceEntry", """
                hosts: [api.example.com]
                ports:
                - {number: 80, name: http, protocol: HTTP}
                exportTo: ["~", other]
                """))).containsExactly(
                "test.yaml:10:14: error: ServiceEntry/ns/test: spec.exportTo[0]: \"~\" with other entries (expected \"~\" alone)");
    }
}
