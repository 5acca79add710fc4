package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.FieldChecks.at;
import static io.inmesh.core.internal.validation.FieldChecks.isEmpty;
import static io.inmesh.core.internal.validation.FieldChecks.isSet;
import static io.inmesh.core.internal.validation.FieldChecks.list;
import static io.inmesh.core.internal.validation.FieldChecks.quote;

import io.inmesh.core.model.ClientTlsSettings;
import io.inmesh.core.model.ConnectionPoolSettings;
import io.inmesh.core.model.ConsistentHashLb;
import io.inmesh.core.model.DestinationRule;
import io.inmesh.core.model.LoadBalancerSettings;
import io.inmesh.core.model.OutlierDetection;
import io.inmesh.core.model.Subset;
import io.inmesh.core.model.TrafficPolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Istio's checks of a DestinationRule: its host, subsets and traffic policies. */
final class DestinationRuleValidator {

    private static final long MAGLEV_TABLE_LIMIT = 5_000_011L;

    private DestinationRuleValidator() {
    }

    static void validate(FieldChecks check, DestinationRule spec) {
        check.host("spec.host", spec.host());
        trafficPolicy(check, "spec.trafficPolicy", spec.trafficPolicy());
        Map<String, String> names = new HashMap<>();
        List<Subset> subsets = list(spec.subsets());
        for (int i = 0; i < subsets.size(); i++) {
            Subset subset = subsets.get(i);
            String path = at("spec.subsets", i);
            check.dns1123Label(path + ".name", subset.name(), "a subset name");
            String first = subset.name() == null ? null : names.putIfAbsent(subset.name(), path);
            if (first != null) {
                check.error(path + ".name", "duplicate subset name " + quote(subset.name()), "unique names; " + first + " has it already");
            }
            check.labels(path + ".labels", subset.labels());
            trafficPolicy(check, path + ".trafficPolicy", subset.trafficPolicy());
        }
        check.exportTo("spec.exportTo", spec.exportTo(), false);
        if (spec.workloadSelector() != null) {
            check.selector("spec.workloadSelector.matchLabels", spec.workloadSelector().matchLabels());
            List<String> exportTo = list(spec.exportTo());
            if (!exportTo.isEmpty() && !(exportTo.size() == 1 && (exportTo.get(0).equals(".") || exportTo.get(0).equals(check.namespace())))) {
                check.error("spec.exportTo", String.join(", ", exportTo.stream().map(FieldChecks::quote).toList()),
                        "only the rule's own namespace when it has a workloadSelector");
            }
        }
    }

    private static void trafficPolicy(FieldChecks check, String path, TrafficPolicy policy) {
        if (policy == null) {
            return;
        }
        if (policy.loadBalancer() == null && policy.connectionPool() == null && policy.outlierDetection() == null
                && policy.tls() == null && list(policy.portLevelSettings()).isEmpty() && policy.tunnel() == null
                && policy.proxyProtocol() == null && policy.retryBudget() == null) {
            check.error(path, "empty traffic policy",
                    "at least one of loadBalancer, connectionPool, outlierDetection, tls, portLevelSettings, tunnel, proxyProtocol, retryBudget");
        }
        if (policy.retryBudget() != null) {
            TrafficPolicy.RetryBudget budget = policy.retryBudget();
            if (budget.percent() != null && (budget.percent().isNaN() || budget.percent() < 0 || budget.percent() > 100)) {
                check.error(path + ".retryBudget.percent", FieldChecks.number(budget.percent()), "a percentage 0..100");
            }
            check.nonNegative(path + ".retryBudget.minRetryConcurrency", budget.minRetryConcurrency());
        }
        check.atMostOne(path, "tunnel", policy.tunnel(), "proxyProtocol", policy.proxyProtocol());
        settings(check, path, policy.loadBalancer(), policy.connectionPool(), policy.outlierDetection(), policy.tls());
        Map<Integer, String> ports = new HashMap<>();
        List<TrafficPolicy.PortTrafficPolicy> portPolicies = list(policy.portLevelSettings());
        for (int i = 0; i < portPolicies.size(); i++) {
            TrafficPolicy.PortTrafficPolicy portPolicy = portPolicies.get(i);
            String portPath = at(path + ".portLevelSettings", i);
            if (portPolicy.port() == null) {
                check.error(portPath + ".port", "missing port", "the port these settings apply to");
            } else {
                int number = portPolicy.port().number() == null ? 0 : portPolicy.port().number();
                check.port(portPath + ".port.number", number);
                String first = ports.putIfAbsent(number, portPath);
                if (first != null) {
                    check.warning(portPath + ".port.number", number, "one entry per port; only " + first + " applies");
                }
            }
            if (portPolicy.loadBalancer() == null && portPolicy.connectionPool() == null && portPolicy.outlierDetection() == null
                    && portPolicy.tls() == null) {
                check.error(portPath, "no settings", "at least one of loadBalancer, connectionPool, outlierDetection, tls");
            }
            settings(check, portPath, portPolicy.loadBalancer(), portPolicy.connectionPool(), portPolicy.outlierDetection(), portPolicy.tls());
        }
        if (policy.tunnel() != null) {
            String protocol = policy.tunnel().protocol();
            if (!isEmpty(protocol) && !protocol.equals("CONNECT") && !protocol.equals("POST")) {
                check.error(path + ".tunnel.protocol", quote(protocol), "CONNECT or POST");
            }
            String target = policy.tunnel().targetHost();
            if (isEmpty(target) || (!Formats.isFqdn(target) && !Formats.isIpAddress(target))) {
                check.error(path + ".tunnel.targetHost", target == null ? "missing" : quote(target), "a DNS name or an IP address");
            }
            Integer targetPort = policy.tunnel().targetPort();
            check.port(path + ".tunnel.targetPort", targetPort == null ? 0 : targetPort);
        }
    }

    private static void settings(FieldChecks check, String path, LoadBalancerSettings loadBalancer,
            ConnectionPoolSettings connectionPool, OutlierDetection outlierDetection, ClientTlsSettings tls) {
        loadBalancer(check, path + ".loadBalancer", loadBalancer);
        connectionPool(check, path + ".connectionPool", connectionPool);
        outlierDetection(check, path + ".outlierDetection", outlierDetection);
        tls(check, path + ".tls", tls);
    }

    private static void loadBalancer(FieldChecks check, String path, LoadBalancerSettings settings) {
        if (settings == null) {
            return;
        }
        check.atMostOne(path, "simple", settings.simple(), "consistentHash", settings.consistentHash());
        check.duration(path + ".warmupDurationSecs", settings.warmupDurationSecs());
        LoadBalancerSettings.WarmupConfiguration warmup = settings.warmup();
        if (warmup != null) {
            check.duration(path + ".warmup.duration", warmup.duration());
            Double minimum = warmup.minimumPercent();
            if (minimum != null && (minimum < 0 || minimum > 100)) {
                check.error(path + ".warmup.minimumPercent", FieldChecks.number(minimum), "a percentage 0..100");
            }
            Double aggression = warmup.aggression();
            if (aggression != null && !(aggression > 0)) {
                check.error(path + ".warmup.aggression", FieldChecks.number(aggression), "a number above 0 (1.0 is linear)");
            }
        }
        ConsistentHashLb hash = settings.consistentHash();
        if (hash == null) {
            return;
        }
        String hashPath = path + ".consistentHash";
        Object[] keys = {"httpHeaderName", hash.httpHeaderName(), "httpCookie", hash.httpCookie(), "useSourceIp", hash.useSourceIp(),
            "httpQueryParameterName", hash.httpQueryParameterName()};
        if (check.atMostOne(hashPath, keys) && !isSet(hash.httpHeaderName()) && hash.httpCookie() == null
                && hash.useSourceIp() == null && !isSet(hash.httpQueryParameterName())) {
            check.warning(hashPath, "no hash key",
                    "one of: httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName; without one requests are not hashed");
        }
        if (hash.httpCookie() != null && isEmpty(hash.httpCookie().name())) {
            check.error(hashPath + ".httpCookie.name", "missing", "the cookie's name");
        }
        check.atMostOne(hashPath, "ringHash", hash.ringHash(), "maglev", hash.maglev());
        if (hash.minimumRingSize() != null && hash.minimumRingSize() != 0 && (hash.ringHash() != null || hash.maglev() != null)) {
            check.error(hashPath + ".minimumRingSize", hash.minimumRingSize(), "no minimumRingSize beside ringHash or maglev");
        } else if (hash.minimumRingSize() != null && hash.minimumRingSize() != 0) {
            check.warning(hashPath + ".minimumRingSize", hash.minimumRingSize(),
                    "ringHash.minimumRingSize; minimumRingSize is deprecated (still applied to the ring)");
        }
        if (hash.ringHash() != null) {
            check.nonNegative(hashPath + ".ringHash.minimumRingSize", hash.ringHash().minimumRingSize());
        }
        if (hash.maglev() != null) {
            Long size = hash.maglev().tableSize();
            if (size == null || size <= 0 || size >= MAGLEV_TABLE_LIMIT || !Formats.isEnvoyPrime(size)) {
                check.error(hashPath + ".maglev.tableSize", size == null ? "missing" : size, "a prime number below " + MAGLEV_TABLE_LIMIT);
            }
        }
    }

    /** Connection limits. */
    private static void connectionPool(FieldChecks check, String path, ConnectionPoolSettings pool) {
        if (pool == null) {
            return;
        }
        if (pool.tcp() == null && pool.http() == null) {
            check.error(path, "empty connectionPool", "tcp, http or both");
        }
        ConnectionPoolSettings.HttpSettings http = pool.http();
        if (http != null) {
            String httpPath = path + ".http";
            check.nonNegative(httpPath + ".http1MaxPendingRequests", http.http1MaxPendingRequests());
            check.nonNegative(httpPath + ".http2MaxRequests", http.http2MaxRequests());
            check.nonNegative(httpPath + ".maxRequestsPerConnection", http.maxRequestsPerConnection());
            check.nonNegative(httpPath + ".maxRetries", http.maxRetries());
            check.nonNegative(httpPath + ".maxConcurrentStreams", http.maxConcurrentStreams());
            check.duration(httpPath + ".idleTimeout", http.idleTimeout());
            if (http.h2UpgradePolicy() == ConnectionPoolSettings.H2UpgradePolicy.UPGRADE && Boolean.TRUE.equals(http.useClientProtocol())) {
                check.error(httpPath + ".useClientProtocol", "true with h2UpgradePolicy UPGRADE", "false when upgrading to HTTP/2");
            }
        }
        ConnectionPoolSettings.TcpSettings tcp = pool.tcp();
        if (tcp != null) {
            String tcpPath = path + ".tcp";
            check.nonNegative(tcpPath + ".maxConnections", tcp.maxConnections());
            check.duration(tcpPath + ".connectTimeout", tcp.connectTimeout());
            check.duration(tcpPath + ".maxConnectionDuration", tcp.maxConnectionDuration());
            check.duration(tcpPath + ".idleTimeout", tcp.idleTimeout());
            if (tcp.tcpKeepalive() != null) {
                check.nonNegative(tcpPath + ".tcpKeepalive.probes", tcp.tcpKeepalive().probes());
                check.duration(tcpPath + ".tcpKeepalive.time", tcp.tcpKeepalive().time());
                check.duration(tcpPath + ".tcpKeepalive.interval", tcp.tcpKeepalive().interval());
            }
        }
    }

    private static void outlierDetection(FieldChecks check, String path, OutlierDetection outlier) {
        if (outlier == null) {
            return;
        }
        check.duration(path + ".interval", outlier.interval());
        check.duration(path + ".baseEjectionTime", outlier.baseEjectionTime());
        check.nonNegative(path + ".consecutiveLocalOriginFailures", outlier.consecutiveLocalOriginFailures());
        check.nonNegative(path + ".consecutiveGatewayErrors", outlier.consecutiveGatewayErrors());
        check.nonNegative(path + ".consecutive5xxErrors", outlier.consecutive5xxErrors());
        check.percent(path + ".maxEjectionPercent", outlier.maxEjectionPercent());
        check.percent(path + ".minHealthPercent", outlier.minHealthPercent());
        if (outlier.consecutiveErrors() != null && outlier.consecutiveErrors() != 0) {
            check.warning(path + ".consecutiveErrors", outlier.consecutiveErrors(),
                    "consecutiveGatewayErrors or consecutive5xxErrors; consecutiveErrors is deprecated");
        }
        Integer localOrigin = outlier.consecutiveLocalOriginFailures();
        if (localOrigin != null && localOrigin > 0 && !Boolean.TRUE.equals(outlier.splitExternalLocalOriginErrors())) {
            check.error(path + ".consecutiveLocalOriginFailures", localOrigin,
                    "splitExternalLocalOriginErrors: true, without which local origin failures are not counted apart");
        }
    }

    /** Upstream TLS: files and credentialName exclude each other; MUTUAL needs a client certificate. */
    private static void tls(FieldChecks check, String path, ClientTlsSettings tls) {
        if (tls == null) {
            return;
        }
        ClientTlsSettings.TlsMode mode = tls.mode() == null ? ClientTlsSettings.TlsMode.DISABLE : tls.mode();
        boolean simple = mode == ClientTlsSettings.TlsMode.SIMPLE;
        boolean mutual = mode == ClientTlsSettings.TlsMode.MUTUAL;
        if (Boolean.TRUE.equals(tls.insecureSkipVerify())) {
            if (simple && (isSet(tls.caCertificates()) || isSet(tls.credentialName()) || isSet(tls.subjectAltNames()))) {
                check.error(path + ".insecureSkipVerify", "true with caCertificates, credentialName or subjectAltNames",
                        "no server verification settings when verification is skipped");
            } else if (mutual && (isSet(tls.caCertificates()) || isSet(tls.subjectAltNames()))) {
                check.error(path + ".insecureSkipVerify", "true with caCertificates or subjectAltNames",
                        "no server verification settings when verification is skipped");
            }
        }
        if ((simple || mutual) && isSet(tls.credentialName())) {
            if (isSet(tls.clientCertificate()) || isSet(tls.caCertificates()) || isSet(tls.privateKey()) || isSet(tls.caCrl())) {
                check.error(path + ".credentialName", "credentialName with certificate files",
                        "either credentialName or clientCertificate, privateKey, caCertificates and caCrl");
            }
            return;
        }
        if (mutual) {
            if (isEmpty(tls.clientCertificate())) {
                check.error(path + ".clientCertificate", "missing", "a client certificate for mode MUTUAL");
            }
            if (isEmpty(tls.privateKey())) {
                check.error(path + ".privateKey", "missing", "a private key for mode MUTUAL");
            }
        }
    }
}
