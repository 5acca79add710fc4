package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.ValidationFixture.diagnostics;
import static io.inmesh.core.internal.validation.ValidationFixture.document;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Istio's DestinationRule rules: host, subsets, load balancer, connection pool, outlier detection
 * and TLS. Spec line n is file line n + 6.
 */
class DestinationRuleValidationTest {

    @Test
    void validRuleHasNoDiagnostics() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  loadBalancer: {simple: LEAST_REQUEST}
                  connectionPool:
                    tcp: {maxConnections: 100, connectTimeout: 30ms}
                    http: {http1MaxPendingRequests: 10, maxRequestsPerConnection: 1}
                  outlierDetection: {consecutive5xxErrors: 7, interval: 5m, baseEjectionTime: 15m}
                subsets:
                - name: v1
                  labels: {version: v1}
                """))).isEmpty();
    }

    @Test
    void hostThatIsNotADnsName() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews.bookinfo..svc
                """))).containsExactly(
                "test.yaml:7:9: error: DestinationRule/ns/test: spec.host: \"reviews.bookinfo..svc\" (expected a DNS name such as reviews, reviews.bookinfo.svc.cluster.local or *.example.com)");
    }

    @Test
    void missingHost() {
        assertThat(diagnostics(document("DestinationRule", """
                subsets:
                - name: v1
                  labels: {version: v1}
                """))).containsExactly(
                "test.yaml:7:3: error: DestinationRule/ns/test: spec.host: missing host (expected a DNS name such as reviews, reviews.bookinfo.svc.cluster.local or *.example.com)");
    }

    @Test
    void emptyTrafficPolicy() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy: {}
                """))).containsExactly(
                "test.yaml:8:3: error: DestinationRule/ns/test: spec.trafficPolicy: empty traffic policy (expected at least one of loadBalancer, connectionPool, outlierDetection, tls, portLevelSettings, tunnel, proxyProtocol, retryBudget)");
    }

    @Test
    void aTrafficPolicyWithOnlyARetryBudgetIsNotEmpty() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  retryBudget:
                    percent: 25
                    minRetryConcurrency: 5
                """))).isEmpty();
    }

    @Test
    void retryBudgetOutOfRange() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  retryBudget:
                    percent: 150
                    minRetryConcurrency: -1
                """))).containsExactly(
                "test.yaml:10:16: error: DestinationRule/ns/test: spec.trafficPolicy.retryBudget.percent: 150 (expected a percentage 0..100)",
                "test.yaml:11:28: error: DestinationRule/ns/test: spec.trafficPolicy.retryBudget.minRetryConcurrency: -1 (expected an integer >= 0)");
    }

    @Test
    void portLevelSettingsWithoutPort() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  portLevelSettings:
                  - loadBalancer: {simple: RANDOM}
                """))).containsExactly(
                "test.yaml:10:7: error: DestinationRule/ns/test: spec.trafficPolicy.portLevelSettings[0].port: missing port (expected the port these settings apply to)");
    }

    @Test
    void portLevelSettingsWithoutSettings() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  portLevelSettings:
                  - port: {number: 9080}
                """))).containsExactly(
                "test.yaml:10:7: error: DestinationRule/ns/test: spec.trafficPolicy.portLevelSettings[0]: no settings (expected at least one of loadBalancer, connectionPool, outlierDetection, tls)");
    }

    @Test
    void portLevelSettingsForTheSamePortTwice() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  portLevelSettings:
                  - port: {number: 9080}
                    loadBalancer: {simple: RANDOM}
                  - port: {number: 9080}
                    loadBalancer: {simple: ROUND_ROBIN}
                """))).containsExactly(
                "test.yaml:12:22: warning: DestinationRule/ns/test: spec.trafficPolicy.portLevelSettings[1].port.number: 9080 (expected one entry per port; only spec.trafficPolicy.portLevelSettings[0] applies)");
    }

    @Test
    void portLevelSettingsPortOutOfRange() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  portLevelSettings:
                  - port: {number: 0}
                    loadBalancer: {simple: RANDOM}
                """))).containsExactly(
                "test.yaml:10:22: error: DestinationRule/ns/test: spec.trafficPolicy.portLevelSettings[0].port.number: 0 (expected a port number 1..65535)");
    }

    @Test
    void simpleAndConsistentHash() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  loadBalancer:
                    simple: RANDOM
                    consistentHash: {useSourceIp: true}
                """))).containsExactly(
                "test.yaml:11:7: error: DestinationRule/ns/test: spec.trafficPolicy.loadBalancer.consistentHash: simple and consistentHash set (expected only one of: simple, consistentHash)");
    }

    @Test
    void consistentHashWithTwoKeys() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  loadBalancer:
                    consistentHash: {httpHeaderName: x-user, useSourceIp: true}
                """))).containsExactly(
                "test.yaml:10:61: error: DestinationRule/ns/test: spec.trafficPolicy.loadBalancer.consistentHash.useSourceIp: httpHeaderName and useSourceIp set (expected only one of: httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName)");
    }

    @Test
    void consistentHashWithoutKeyIsAWarning() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  loadBalancer:
                    consistentHash:
                      ringHash: {minimumRingSize: 1024}
                """))).containsExactly(
                "test.yaml:10:7: warning: DestinationRule/ns/test: spec.trafficPolicy.loadBalancer.consistentHash: no hash key (expected one of: httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName; without one requests are not hashed)");
    }

    @Test
    void hashCookieWithoutName() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  loadBalancer:
                    consistentHash:
                      httpCookie: {ttl: 10s}
                """))).containsExactly(
                "test.yaml:11:9: error: DestinationRule/ns/test: spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name: missing (expected the cookie's name)");
    }

    @Test
    void ringHashAndMaglev() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  loadBalancer:
                    consistentHash:
                      useSourceIp: true
                      ringHash: {minimumRingSize: 1024}
                      maglev: {tableSize: 65537}
                """))).containsExactly(
                "test.yaml:13:9: error: DestinationRule/ns/test: spec.trafficPolicy.loadBalancer.consistentHash.maglev: ringHash and maglev set (expected only one of: ringHash, maglev)");
    }

    @Test
    void maglevTableSizeThatIsNotPrime() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  loadBalancer:
                    consistentHash:
                      useSourceIp: true
                      maglev: {tableSize: 65536}
                """))).containsExactly(
                "test.yaml:12:29: error: DestinationRule/ns/test: spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize: 65536 (expected a prime number below 5000011)");
    }

    @Test
    void deprecatedMinimumRingSizeBesideRingHash() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  loadBalancer:
                    consistentHash:
                      useSourceIp: true
                      minimumRingSize: 1024
                      ringHash: {minimumRingSize: 1024}
                """))).containsExactly(
                "test.yaml:12:26: error: DestinationRule/ns/test: spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize: 1024 (expected no minimumRingSize beside ringHash or maglev)");
    }

    @Test
    void deprecatedMinimumRingSizeAloneIsAppliedWithAWarning() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  loadBalancer:
                    consistentHash:
                      useSourceIp: true
                      minimumRingSize: 2048
                """))).containsExactly(
                "test.yaml:12:26: warning: DestinationRule/ns/test: spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize: 2048 (expected ringHash.minimumRingSize; minimumRingSize is deprecated (still applied to the ring))");
    }

    @Test
    void warmupDurationOfZero() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  loadBalancer:
                    simple: ROUND_ROBIN
                    warmupDurationSecs: 0s
                """))).containsExactly(
                "test.yaml:11:27: error: DestinationRule/ns/test: spec.trafficPolicy.loadBalancer.warmupDurationSecs: 0s (expected a duration >= 1ms)");
    }

    @Test
    void warmupOutOfRange() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  loadBalancer:
                    simple: LEAST_REQUEST
                    warmup: {duration: 0s, minimumPercent: 120, aggression: 0}
                """))).containsExactly(
                "test.yaml:11:26: error: DestinationRule/ns/test: spec.trafficPolicy.loadBalancer.warmup.duration: 0s (expected a duration >= 1ms)",
                "test.yaml:11:46: error: DestinationRule/ns/test: spec.trafficPolicy.loadBalancer.warmup.minimumPercent: 120 (expected a percentage 0..100)",
                "test.yaml:11:63: error: DestinationRule/ns/test: spec.trafficPolicy.loadBalancer.warmup.aggression: 0 (expected a number above 0 (1.0 is linear))");
    }

    @Test
    void emptyConnectionPool() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  connectionPool: {}
                """))).containsExactly(
                "test.yaml:9:5: error: DestinationRule/ns/test: spec.trafficPolicy.connectionPool: empty connectionPool (expected tcp, http or both)");
    }

    @Test
    void negativeConnectionLimits() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  connectionPool:
                    tcp: {maxConnections: -1}
                    http: {http1MaxPendingRequests: -1, http2MaxRequests: -2, maxRequestsPerConnection: -3, maxRetries: -4}
                """))).containsExactly(
                "test.yaml:10:29: error: DestinationRule/ns/test: spec.trafficPolicy.connectionPool.tcp.maxConnections: -1 (expected an integer >= 0)",
                "test.yaml:11:39: error: DestinationRule/ns/test: spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests: -1 (expected an integer >= 0)",
                "test.yaml:11:61: error: DestinationRule/ns/test: spec.trafficPolicy.connectionPool.http.http2MaxRequests: -2 (expected an integer >= 0)",
                "test.yaml:11:91: error: DestinationRule/ns/test: spec.trafficPolicy.connectionPool.http.maxRequestsPerConnection: -3 (expected an integer >= 0)",
                "test.yaml:11:107: error: DestinationRule/ns/test: spec.trafficPolicy.connectionPool.http.maxRetries: -4 (expected an integer >= 0)");
    }

    @Test
    void connectionTimeoutsBelowAMillisecond() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  connectionPool:
                    tcp: {connectTimeout: 100us, idleTimeout: 0s}
                    http: {idleTimeout: 0s}
                """))).containsExactly(
                "test.yaml:10:29: error: DestinationRule/ns/test: spec.trafficPolicy.connectionPool.tcp.connectTimeout: 0.0001s (expected a duration >= 1ms)",
                "test.yaml:10:49: error: DestinationRule/ns/test: spec.trafficPolicy.connectionPool.tcp.idleTimeout: 0s (expected a duration >= 1ms)",
                "test.yaml:11:27: error: DestinationRule/ns/test: spec.trafficPolicy.connectionPool.http.idleTimeout: 0s (expected a duration >= 1ms)");
    }

    @Test
    void useClientProtocolWithH2Upgrade() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  connectionPool:
                    http: {h2UpgradePolicy: UPGRADE, useClientProtocol: true}
                """))).containsExactly(
                "test.yaml:10:31: warning: DestinationRule/ns/test: spec.trafficPolicy.connectionPool.http.h2UpgradePolicy: unsupported: h2UpgradePolicy is ignored by inmesh",
                "test.yaml:10:59: error: DestinationRule/ns/test: spec.trafficPolicy.connectionPool.http.useClientProtocol: true with h2UpgradePolicy UPGRADE (expected false when upgrading to HTTP/2)",
                "test.yaml:10:59: warning: DestinationRule/ns/test: spec.trafficPolicy.connectionPool.http.useClientProtocol: unsupported: useClientProtocol is ignored by inmesh");
    }

    @Test
    void outlierIntervalOfZero() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  outlierDetection: {interval: 0s, baseEjectionTime: 1500us}
                """))).containsExactly(
                "test.yaml:9:34: error: DestinationRule/ns/test: spec.trafficPolicy.outlierDetection.interval: 0s (expected a duration >= 1ms)",
                "test.yaml:9:56: error: DestinationRule/ns/test: spec.trafficPolicy.outlierDetection.baseEjectionTime: 0.0015s (expected a duration in whole milliseconds)");
    }

    @Test
    void negativeOutlierCounts() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  outlierDetection: {consecutive5xxErrors: -1, consecutiveGatewayErrors: -2}
                """))).containsExactly(
                "test.yaml:9:46: error: DestinationRule/ns/test: spec.trafficPolicy.outlierDetection.consecutive5xxErrors: -1 (expected an integer >= 0)",
                "test.yaml:9:76: error: DestinationRule/ns/test: spec.trafficPolicy.outlierDetection.consecutiveGatewayErrors: -2 (expected an integer >= 0)");
    }

    @Test
    void ejectionPercentAbove100() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  outlierDetection: {maxEjectionPercent: 101, minHealthPercent: -1}
                """))).containsExactly(
                "test.yaml:9:44: error: DestinationRule/ns/test: spec.trafficPolicy.outlierDetection.maxEjectionPercent: 101 (expected a percentage 0..100)",
                "test.yaml:9:67: error: DestinationRule/ns/test: spec.trafficPolicy.outlierDetection.minHealthPercent: -1 (expected a percentage 0..100)");
    }

    @Test
    void deprecatedConsecutiveErrorsIsAWarning() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  outlierDetection: {consecutiveErrors: 5}
                """))).containsExactly(
                "test.yaml:9:43: warning: DestinationRule/ns/test: spec.trafficPolicy.outlierDetection.consecutiveErrors: 5 (expected consecutiveGatewayErrors or consecutive5xxErrors; consecutiveErrors is deprecated)");
    }

    @Test
    void localOriginFailuresWithoutSplit() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  outlierDetection: {consecutiveLocalOriginFailures: 3}
                """))).containsExactly(
                "test.yaml:9:56: error: DestinationRule/ns/test: spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures: 3 (expected splitExternalLocalOriginErrors: true, without which local origin failures are not counted apart)");
    }

    @Test
    void skipVerifyWithCaCertificates() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  tls: {mode: SIMPLE, insecureSkipVerify: true, caCertificates: /etc/certs/ca.pem}
                """))).containsExactly(
                "test.yaml:9:45: error: DestinationRule/ns/test: spec.trafficPolicy.tls.insecureSkipVerify: true with caCertificates, credentialName or subjectAltNames (expected no server verification settings when verification is skipped)");
    }

    @Test
    void credentialNameWithCertificateFiles() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  tls: {mode: MUTUAL, credentialName: reviews-client, clientCertificate: /etc/certs/cert.pem}
                """))).containsExactly(
                "test.yaml:9:41: error: DestinationRule/ns/test: spec.trafficPolicy.tls.credentialName: credentialName with certificate files (expected either credentialName or clientCertificate, privateKey, caCertificates and caCrl)");
    }

    @Test
    void mutualTlsWithoutClientCertificate() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  tls: {mode: MUTUAL, caCertificates: /etc/certs/ca.pem}
                """))).containsExactly(
                "test.yaml:9:5: error: DestinationRule/ns/test: spec.trafficPolicy.tls.clientCertificate: missing (expected a client certificate for mode MUTUAL)",
                "test.yaml:9:5: error: DestinationRule/ns/test: spec.trafficPolicy.tls.privateKey: missing (expected a private key for mode MUTUAL)");
    }

    @Test
    void subsetNameThatIsNotADnsLabel() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                subsets:
                - name: v1.0
                  labels: {version: v1}
                """))).containsExactly(
                "test.yaml:9:11: error: DestinationRule/ns/test: spec.subsets[0].name: \"v1.0\" (expected a subset name, a DNS-1123 label: letters, digits and '-', starting and ending with a letter or digit)");
    }

    @Test
    void subsetWithoutName() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                subsets:
                - labels: {version: v1}
                """))).containsExactly(
                "test.yaml:9:5: error: DestinationRule/ns/test: spec.subsets[0].name: missing (expected a subset name, a DNS-1123 label: letters, digits and '-', starting and ending with a letter or digit)");
    }

    @Test
    void duplicateSubsetNames() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                subsets:
                - name: v1
                  labels: {version: v1}
                - name: v1
                  labels: {version: v2}
                """))).containsExactly(
                "test.yaml:11:11: error: DestinationRule/ns/test: spec.subsets[1].name: duplicate subset name \"v1\" (expected unique names; spec.subsets[0] has it already)");
    }

    @Test
    void subsetLabelValueThatIsNotALabel() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                subsets:
                - name: v1
                  labels: {version: "1.0 beta"}
                """))).containsExactly(
                "test.yaml:10:23: error: DestinationRule/ns/test: spec.subsets[0].labels[version]: \"1.0 beta\" (expected a label value: letters, digits, '-', '_' and '.')");
    }

    @Test
    void emptySubsetTrafficPolicy() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                subsets:
                - name: v1
                  labels: {version: v1}
                  trafficPolicy: {}
                """))).containsExactly(
                "test.yaml:11:5: error: DestinationRule/ns/test: spec.subsets[0].trafficPolicy: empty traffic policy (expected at least one of loadBalancer, connectionPool, outlierDetection, tls, portLevelSettings, tunnel, proxyProtocol, retryBudget)");
    }

    @Test
    void exportToBeyondNamespaceWithWorkloadSelector() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                workloadSelector:
                  matchLabels: {app: productpage}
                exportTo: ["*"]
                """))).containsExactly(
                "test.yaml:8:3: warning: DestinationRule/ns/test: spec.workloadSelector: unsupported: workloadSelector is ignored by inmesh",
                "test.yaml:10:3: error: DestinationRule/ns/test: spec.exportTo: \"*\" (expected only the rule's own namespace when it has a workloadSelector)");
    }

    @Test
    void localityLoadBalancingIsUnsupported() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                subsets:
                - name: v1
                  labels: {version: v1}
                  trafficPolicy:
                    portLevelSettings:
                    - port: {number: 9080}
                      loadBalancer:
                        simple: ROUND_ROBIN
                        localityLbSetting: {enabled: true}
                """))).containsExactly(
                "test.yaml:16:11: warning: DestinationRule/ns/test: spec.subsets[0].trafficPolicy.portLevelSettings[0].loadBalancer.localityLbSetting: unsupported: localityLbSetting is ignored by inmesh");
    }

    @Test
    void tunnelAndProxyProtocol() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  tunnel: {targetHost: 10.0.0.1, targetPort: 8443}
                  proxyProtocol: {version: V2}
                """))).containsExactly(
                "test.yaml:9:5: warning: DestinationRule/ns/test: spec.trafficPolicy.tunnel: unsupported: tunnel is ignored by inmesh",
                "test.yaml:10:5: error: DestinationRule/ns/test: spec.trafficPolicy.proxyProtocol: tunnel and proxyProtocol set (expected only one of: tunnel, proxyProtocol)",
                "test.yaml:10:5: warning: DestinationRule/ns/test: spec.trafficPolicy.proxyProtocol: unsupported: proxyProtocol is ignored by inmesh");
    }
}
