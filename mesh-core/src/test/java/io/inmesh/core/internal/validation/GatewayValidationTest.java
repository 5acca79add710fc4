package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.ValidationFixture.diagnostics;
import static io.inmesh.core.internal.validation.ValidationFixture.document;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Istio's Gateway rules: name, server hosts, ports, bind addresses and TLS settings. Spec line n
 * is file line n + 6.
 */
class GatewayValidationTest {

    @Test
    void validGatewayHasNoDiagnostics() {
        assertThat(diagnostics(document("Gateway", """
                selector: {istio: ingressgateway}
                servers:
                - port: {number: 443, name: https, protocol: HTTPS}
                  hosts: [bookinfo.example.com, "./*.bookinfo.com"]
                  tls: {mode: SIMPLE, credentialName: bookinfo-cert}
                - port: {number: 80, name: http, protocol: HTTP}
                  hosts: ["*"]
                  tls: {httpsRedirect: true}
                """))).isEmpty();
    }

    @Test
    void gatewayNameWithADot() {
        assertThat(diagnostics("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata:
                  name: edge.public
                  namespace: ns
                spec:
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: ["*"]
                """)).containsExactly(
                "test.yaml:4:9: error: Gateway/ns/edge.public: metadata.name: \"edge.public\" (expected a Gateway name that is a DNS-1123 label, without dots)");
    }

    @Test
    void noServers() {
        assertThat(diagnostics(document("Gateway", """
                selector: {istio: ingressgateway}
                """))).containsExactly(
                "test.yaml:7:3: error: Gateway/ns/test: spec.servers: no servers (expected at least one server)");
    }

    @Test
    void serverWithoutHosts() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 80, name: http, protocol: HTTP}
                """))).containsExactly(
                "test.yaml:8:5: error: Gateway/ns/test: spec.servers[0].hosts: no hosts (expected at least one host)");
    }

    @Test
    void serverHostWithShortName() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 80, name: http, protocol: HTTP}
                  hosts: [productpage]
                """))).containsExactly(
                "test.yaml:9:13: error: Gateway/ns/test: spec.servers[0].hosts[0]: \"productpage\" (expected a fully qualified dnsName or *; short names are not allowed here)");
    }

    @Test
    void serverHostWithInvalidNamespace() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 80, name: http, protocol: HTTP}
                  hosts: ["~/bookinfo.example.com"]
                """))).containsExactly(
                "test.yaml:9:13: error: Gateway/ns/test: spec.servers[0].hosts[0]: \"~/bookinfo.example.com\" (expected a namespace that is *, ., or a DNS-1123 label)");
    }

    @Test
    void serverHostWithPartialWildcard() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 80, name: http, protocol: HTTP}
                  hosts: ["*bookinfo.com"]
                """))).containsExactly(
                "test.yaml:9:13: error: Gateway/ns/test: spec.servers[0].hosts[0]: \"*bookinfo.com\" (expected a wildcard only as the whole first label, such as *.example.com)");
    }

    @Test
    void serverHostMayBeAnIpAddress() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 80, name: http, protocol: HTTP}
                  hosts: [10.0.0.1]
                """))).isEmpty();
    }

    @Test
    void serverWithoutPort() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - hosts: ["*"]
                """))).containsExactly(
                "test.yaml:8:5: error: Gateway/ns/test: spec.servers[0].port: missing port (expected a port with number, protocol and name)");
    }

    @Test
    void portWithUnknownProtocol() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 80, name: http, protocol: SPDY}
                  hosts: ["*"]
                """))).containsExactly(
                "test.yaml:8:46: error: Gateway/ns/test: spec.servers[0].port.protocol: \"SPDY\" (expected one of: HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS, MYSQL)");
    }

    @Test
    void portWithoutProtocol() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 80, name: http}
                  hosts: ["*"]
                """))).containsExactly(
                "test.yaml:8:5: error: Gateway/ns/test: spec.servers[0].port.protocol: missing (expected one of: HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS, MYSQL)");
    }

    @Test
    void portNumberOutOfRange() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 0, name: http, protocol: HTTP}
                  hosts: ["*"]
                """))).containsExactly(
                "test.yaml:8:20: error: Gateway/ns/test: spec.servers[0].port.number: 0 (expected a port number 1..65535)");
    }

    @Test
    void portWithTargetPort() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 80, name: http, protocol: HTTP, targetPort: 8080}
                  hosts: ["*"]
                """))).containsExactly(
                "test.yaml:8:64: error: Gateway/ns/test: spec.servers[0].port.targetPort: 8080 (expected no targetPort; it has no effect on Gateways)");
    }

    @Test
    void portWithoutName() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 80, protocol: HTTP}
                  hosts: ["*"]
                """))).containsExactly(
                "test.yaml:8:5: error: Gateway/ns/test: spec.servers[0].port.name: missing (expected a port name)");
    }

    @Test
    void duplicatePortNames() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 80, name: http, protocol: HTTP}
                  hosts: ["*"]
                - port: {number: 8080, name: http, protocol: HTTP}
                  hosts: ["*"]
                """))).containsExactly(
                "test.yaml:10:32: error: Gateway/ns/test: spec.servers[1].port.name: duplicate port name \"http\" (expected unique port names; spec.servers[0] has it already)");
    }

    @Test
    void bindThatIsNotAnIpAddress() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 80, name: http, protocol: HTTP}
                  bind: localhost
                  hosts: ["*"]
                """))).containsExactly(
                "test.yaml:9:11: error: Gateway/ns/test: spec.servers[0].bind: \"localhost\" (expected an IP address)");
    }

    @Test
    void unixSocketBindWithPortNumber() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 80, name: http, protocol: HTTP}
                  bind: unix:///var/run/gateway.sock
                  hosts: ["*"]
                """))).containsExactly(
                "test.yaml:8:20: error: Gateway/ns/test: spec.servers[0].port.number: 80 (expected 0 for a server bound to a unix socket)");
    }

    @Test
    void httpsWithoutTls() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 443, name: https, protocol: HTTPS}
                  hosts: ["*"]
                """))).containsExactly(
                "test.yaml:8:5: error: Gateway/ns/test: spec.servers[0].tls: missing (expected TLS settings for protocol HTTPS)");
    }

    @Test
    void httpWithTlsCertificates() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 80, name: http, protocol: HTTP}
                  hosts: ["*"]
                  tls: {mode: SIMPLE, credentialName: bookinfo-cert}
                """))).containsExactly(
                "test.yaml:10:5: error: Gateway/ns/test: spec.servers[0].tls: TLS settings on plain-text protocol HTTP (expected only tls.httpsRedirect on an HTTP server)");
    }

    @Test
    void tcpWithTls() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 27017, name: mongo, protocol: MONGO}
                  hosts: ["*"]
                  tls: {mode: PASSTHROUGH}
                """))).containsExactly(
                "test.yaml:10:5: error: Gateway/ns/test: spec.servers[0].tls: TLS settings on plain-text protocol MONGO (expected no tls, or protocol HTTPS or TLS)");
    }

    @Test
    void httpsRedirectOnHttpsIsAWarning() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 443, name: https, protocol: HTTPS}
                  hosts: ["*"]
                  tls: {mode: SIMPLE, credentialName: bookinfo-cert, httpsRedirect: true}
                """))).containsExactly(
                "test.yaml:10:71: warning: Gateway/ns/test: spec.servers[0].tls.httpsRedirect: true on protocol HTTPS (expected httpsRedirect only on HTTP servers)");
    }

    @Test
    void istioMutualWithServerCertificate() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 443, name: https, protocol: HTTPS}
                  hosts: ["*"]
                  tls: {mode: ISTIO_MUTUAL, serverCertificate: /etc/certs/cert.pem}
                """))).containsExactly(
                "test.yaml:10:50: error: Gateway/ns/test: spec.servers[0].tls.serverCertificate: serverCertificate with mode ISTIO_MUTUAL (expected no certificates; ISTIO_MUTUAL uses the mesh's)");
    }

    @Test
    void simpleTlsWithoutCertificate() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 443, name: https, protocol: HTTPS}
                  hosts: ["*"]
                  tls: {mode: SIMPLE}
                """))).containsExactly(
                "test.yaml:10:5: error: Gateway/ns/test: spec.servers[0].tls.privateKey: missing (expected a private key, or a credentialName, for mode SIMPLE)",
                "test.yaml:10:5: error: Gateway/ns/test: spec.servers[0].tls.serverCertificate: missing (expected a server certificate, or a credentialName, for mode SIMPLE)");
    }

    @Test
    void mutualTlsWithoutClientCa() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 443, name: https, protocol: HTTPS}
                  hosts: ["*"]
                  tls: {mode: MUTUAL, serverCertificate: /etc/certs/cert.pem, privateKey: /etc/certs/key.pem}
                """))).containsExactly(
                "test.yaml:10:5: error: Gateway/ns/test: spec.servers[0].tls.caCertificates: missing (expected a client CA bundle, or a credentialName, for mode MUTUAL)");
    }

    @Test
    void credentialNameAndCredentialNames() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 443, name: https, protocol: HTTPS}
                  hosts: ["*"]
                  tls: {mode: SIMPLE, credentialName: a, credentialNames: [b]}
                """))).containsExactly(
                "test.yaml:10:44: error: Gateway/ns/test: spec.servers[0].tls.credentialNames: credentialName and credentialNames set (expected only one of: credentialName, credentialNames, tlsCertificates)");
    }

    @Test
    void certificateRevocationListWithSimpleTls() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 443, name: https, protocol: HTTPS}
                  hosts: ["*"]
                  tls: {mode: SIMPLE, serverCertificate: /etc/certs/cert.pem, privateKey: /etc/certs/key.pem, caCrl: /etc/certs/crl.pem}
                """))).containsExactly(
                "test.yaml:10:104: error: Gateway/ns/test: spec.servers[0].tls.caCrl: caCrl with mode SIMPLE (expected no caCrl; a credential carries its own CRL and SIMPLE does not check clients)");
    }

    @Test
    void passthroughWithCertificatesIsAWarning() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 443, name: tls, protocol: TLS}
                  hosts: ["*"]
                  tls: {mode: PASSTHROUGH, credentialName: bookinfo-cert}
                """))).containsExactly(
                "test.yaml:10:17: warning: Gateway/ns/test: spec.servers[0].tls.mode: PASSTHROUGH with certificates (expected no certificates; this mode does not use them)");
    }

    @Test
    void oldTlsVersionWithoutCipherSuitesIsAWarning() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 443, name: https, protocol: HTTPS}
                  hosts: ["*"]
                  tls: {mode: SIMPLE, credentialName: bookinfo-cert, minProtocolVersion: TLSV1_1}
                """))).containsExactly(
                "test.yaml:10:76: warning: Gateway/ns/test: spec.servers[0].tls.minProtocolVersion: TLSV1_1 (expected cipherSuites beside it; the default suites do not work below TLS 1.2)");
    }

    @Test
    void unknownAndDuplicateCipherSuitesAreWarnings() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 443, name: https, protocol: HTTPS}
                  hosts: ["*"]
                  tls:
                    mode: SIMPLE
                    credentialName: bookinfo-cert
                    cipherSuites: [ECDHE-RSA-AES128-GCM-SHA256, RC4-MD5, ECDHE-RSA-AES128-GCM-SHA256]
                """))).containsExactly(
                "test.yaml:13:51: warning: Gateway/ns/test: spec.servers[0].tls.cipherSuites[1]: \"RC4-MD5\" (expected a cipher suite Envoy knows, such as ECDHE-RSA-AES128-GCM-SHA256; it is ignored)",
                "test.yaml:13:60: warning: Gateway/ns/test: spec.servers[0].tls.cipherSuites[2]: \"ECDHE-RSA-AES128-GCM-SHA256\" (expected each cipher suite once; the duplicate is ignored)");
    }
}
