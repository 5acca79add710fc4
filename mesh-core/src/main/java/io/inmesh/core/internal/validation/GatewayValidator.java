package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.FieldChecks.at;
import static io.inmesh.core.internal.validation.FieldChecks.isEmpty;
import static io.inmesh.core.internal.validation.FieldChecks.isSet;
import static io.inmesh.core.internal.validation.FieldChecks.list;
import static io.inmesh.core.internal.validation.FieldChecks.quote;

import io.inmesh.core.model.Gateway;
import io.inmesh.core.model.ServerTlsSettings;
import io.inmesh.core.model.ServerTlsSettings.TlsMode;
import io.inmesh.core.model.ServerTlsSettings.TlsProtocol;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Istio's checks of a Gateway: its name, and each server's hosts, port, bind address and TLS settings. */
final class GatewayValidator {

    private static final String UNIX_PREFIX = "unix://";
    private static final String PROTOCOLS = "one of: HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS, MYSQL";

    /** The cipher suites Envoy (BoringSSL) knows by name. */
    private static final Set<String> CIPHER_SUITES = Set.of(
            "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
            "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
            "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA",
            "AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA", "DES-CBC3-SHA", "ALL");

    private GatewayValidator() {
    }

    static void validate(FieldChecks check, Gateway spec) {
        String name = check.resource().name();
        if (!Formats.isDns1123Label(name)) {
            check.error("metadata.name", quote(name), "a Gateway name that is a DNS-1123 label, without dots");
        }
        List<Gateway.Server> servers = list(spec.servers());
        if (servers.isEmpty()) {
            check.error("spec.servers", "no servers", "at least one server");
        }
        Map<String, String> portNames = new HashMap<>();
        for (int i = 0; i < servers.size(); i++) {
            server(check, at("spec.servers", i), servers.get(i), portNames);
        }
    }

    private static void server(FieldChecks check, String path, Gateway.Server server, Map<String, String> portNames) {
        List<String> hosts = list(server.hosts());
        if (hosts.isEmpty()) {
            check.error(path + ".hosts", "no hosts", "at least one host");
        }
        for (int i = 0; i < hosts.size(); i++) {
            check.namespacedHost(at(path + ".hosts", i), hosts.get(i), true);
        }
        serverTls(check, path + ".tls", server.tls());
        Gateway.GatewayPort port = server.port();
        if (port == null) {
            check.error(path + ".port", "missing port", "a port with number, protocol and name");
            return;
        }
        String portPath = path + ".port";
        boolean unixBind = server.bind() != null && server.bind().startsWith(UNIX_PREFIX);
        boolean valid = true;
        if (isEmpty(port.protocol()) || !Formats.isProtocol(port.protocol())) {
            check.error(portPath + ".protocol", port.protocol() == null ? "missing" : quote(port.protocol()), PROTOCOLS);
            valid = false;
        }
        int number = port.number() == null ? 0 : port.number();
        if (unixBind) {
            if (!Formats.isUnixSocketPath(server.bind().substring(UNIX_PREFIX.length()))) {
                check.error(path + ".bind", quote(server.bind()), "unix:// followed by an absolute file path or @name");
            }
            if (number != 0) {
                check.error(portPath + ".number", number, "0 for a server bound to a unix socket");
            }
        } else {
            check.port(portPath + ".number", number);
            valid &= number >= 1 && number <= 65535;
            if (!isEmpty(server.bind())) {
                check.ipAddress(path + ".bind", server.bind());
            }
        }
        if (port.targetPort() != null && port.targetPort() > 0) {
            check.error(portPath + ".targetPort", port.targetPort(), "no targetPort; it has no effect on Gateways");
        }
        if (isEmpty(port.name())) {
            check.error(portPath + ".name", "missing", "a port name");
        } else {
            String first = portNames.putIfAbsent(port.name(), path);
            if (first != null) {
                check.error(portPath + ".name", "duplicate port name " + quote(port.name()), "unique port names; " + first + " has it already");
            }
        }
        if (valid) {
            protocolAndTls(check, path, port.protocol(), server.tls());
        }
    }

    private static void protocolAndTls(FieldChecks check, String path, String protocol, ServerTlsSettings tls) {
        boolean http = Formats.isHttpProtocol(protocol);
        if (Formats.isTlsProtocol(protocol)) {
            if (tls == null) {
                check.error(path + ".tls", "missing", "TLS settings for protocol " + protocol);
            }
        } else if (tls != null) {
            boolean passthrough = tls.mode() == null || tls.mode() == TlsMode.PASSTHROUGH || tls.mode() == TlsMode.AUTO_PASSTHROUGH;
            if (!http || !passthrough || isSet(tls.caCertificates()) || isSet(tls.privateKey()) || isSet(tls.serverCertificate())) {
                check.error(path + ".tls", "TLS settings on plain-text protocol " + protocol,
                        http ? "only tls.httpsRedirect on an HTTP server" : "no tls, or protocol HTTPS or TLS");
            }
        }
        if (tls != null && Boolean.TRUE.equals(tls.httpsRedirect()) && !http) {
            check.warning(path + ".tls.httpsRedirect", "true on protocol " + protocol, "httpsRedirect only on HTTP servers");
        }
    }

    private static void serverTls(FieldChecks check, String path, ServerTlsSettings tls) {
        if (tls == null) {
            return;
        }
        TlsMode mode = tls.mode() == null ? TlsMode.PASSTHROUGH : tls.mode();
        check.atMostOne(path, "credentialName", tls.credentialName(), "credentialNames", tls.credentialNames(),
                "tlsCertificates", tls.tlsCertificates());
        if ((tls.minProtocolVersion() == TlsProtocol.TLSV1_0 || tls.minProtocolVersion() == TlsProtocol.TLSV1_1)
                && list(tls.cipherSuites()).isEmpty()) {
            check.warning(path + ".minProtocolVersion", tls.minProtocolVersion(),
                    "cipherSuites beside it; the default suites do not work below TLS 1.2");
        }
        cipherSuites(check, path + ".cipherSuites", list(tls.cipherSuites()));
        if (mode == TlsMode.ISTIO_MUTUAL) {
            for (String[] field : new String[][] {{"serverCertificate", tls.serverCertificate()}, {"privateKey", tls.privateKey()},
                {"caCertificates", tls.caCertificates()}, {"credentialName", tls.credentialName()}}) {
                if (isSet(field[1])) {
                    check.error(path + "." + field[0], field[0] + " with mode ISTIO_MUTUAL", "no certificates; ISTIO_MUTUAL uses the mesh's");
                }
            }
            return;
        }
        boolean files = isSet(tls.serverCertificate()) || isSet(tls.privateKey()) || isSet(tls.caCertificates())
                || isSet(tls.caCrl()) || isSet(tls.credentialName());
        if ((mode == TlsMode.PASSTHROUGH || mode == TlsMode.AUTO_PASSTHROUGH) && files) {
            check.warning(path + ".mode", mode + " with certificates", "no certificates; this mode does not use them");
        }
        boolean credentials = isSet(tls.credentialName()) || isSet(tls.credentialNames()) || isSet(tls.tlsCertificates());
        boolean mutual = mode == TlsMode.MUTUAL || mode == TlsMode.OPTIONAL_MUTUAL;
        if ((mode == TlsMode.SIMPLE || mutual) && credentials) {
            return;
        }
        if (mode == TlsMode.SIMPLE || mutual) {
            if (isEmpty(tls.serverCertificate())) {
                check.error(path + ".serverCertificate", "missing", "a server certificate, or a credentialName, for mode " + mode);
            }
            if (isEmpty(tls.privateKey())) {
                check.error(path + ".privateKey", "missing", "a private key, or a credentialName, for mode " + mode);
            }
        }
        if (mutual && isEmpty(tls.caCertificates())) {
            check.error(path + ".caCertificates", "missing", "a client CA bundle, or a credentialName, for mode " + mode);
        }
        if (isSet(tls.caCrl()) && (isSet(tls.credentialName()) || mode == TlsMode.SIMPLE)) {
            check.error(path + ".caCrl", "caCrl with " + (mode == TlsMode.SIMPLE ? "mode SIMPLE" : "credentialName"),
                    "no caCrl; a credential carries its own CRL and SIMPLE does not check clients");
        }
    }

    private static void cipherSuites(FieldChecks check, String path, List<String> suites) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < suites.size(); i++) {
            String suite = suites.get(i);
            // Entries starting with '+', '-' or '!' are BoringSSL operators, passed on unchecked.
            boolean operator = !suite.isEmpty() && !Character.isLetterOrDigit(suite.charAt(0));
            if (!suite.isEmpty() && !operator && !CIPHER_SUITES.contains(suite)) {
                check.warning(at(path, i), quote(suite), "a cipher suite Envoy knows, such as ECDHE-RSA-AES128-GCM-SHA256; it is ignored");
            } else if (!seen.add(suite)) {
                check.warning(at(path, i), quote(suite), "each cipher suite once; the duplicate is ignored");
            }
        }
    }
}
