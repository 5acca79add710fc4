package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.ValidationFixture.diagnostics;
import static io.inmesh.core.internal.validation.ValidationFixture.document;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Istio's AuthorizationPolicy rules, and the fail-closed errors for what inmesh cannot enforce:
 * CUSTOM, target references, unknown condition keys. Spec line n is file line n + 6.
 */
class AuthorizationPolicyValidationTest {

    @Test
    void validPolicyHasNoDiagnostics() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                selector:
                  matchLabels: {app: reviews}
                action: ALLOW
                rules:
                - from:
                  - source:
                      principals: [cluster.local/ns/bookinfo/sa/productpage]
                      ipBlocks: [10.0.0.0/8]
                  to:
                  - operation:
                      methods: [GET]
                      paths: ["/reviews/*", "/api/{*}/ratings/{**}"]
                      ports: ["9080"]
                  when:
                  - key: request.headers[x-token]
                    values: ["*"]
                  - key: source.ip
                    notValues: [10.1.2.3]
                """))).isEmpty();
    }

    @Test
    void selectorAndTargetRef() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                selector:
                  matchLabels: {app: reviews}
                targetRef: {kind: Service, name: reviews}
                rules:
                - {}
                """))).containsExactly(
                "test.yaml:9:3: error: AuthorizationPolicy/ns/test: spec.targetRef: selector and targetRef set (expected only one of: selector, targetRef, targetRefs)",
                "test.yaml:9:3: error: AuthorizationPolicy/ns/test: spec.targetRef: unsupported: targetRef is not implemented by inmesh (rejected rather than ignored: ignoring it could widen access)");
    }

    @Test
    void targetRefsAreRejected() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                targetRefs:
                - {kind: Gateway, group: gateway.networking.k8s.io, name: edge}
                rules:
                - {}
                """))).containsExactly(
                "test.yaml:7:3: error: AuthorizationPolicy/ns/test: spec.targetRefs: unsupported: targetRefs is not implemented by inmesh (rejected rather than ignored: ignoring it could widen access)");
    }

    @Test
    void customActionIsRejected() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                action: CUSTOM
                provider: {name: opa}
                rules:
                - to:
                  - operation:
                      paths: [/admin]
                """))).containsExactly(
                "test.yaml:7:11: error: AuthorizationPolicy/ns/test: spec.action: unsupported: action CUSTOM is not implemented by inmesh (rejected rather than ignored: the external authorizer is not called)");
    }

    @Test
    void providerWithAllow() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                action: ALLOW
                provider: {name: opa}
                rules:
                - {}
                """))).containsExactly(
                "test.yaml:8:3: error: AuthorizationPolicy/ns/test: spec.provider: provider with action ALLOW (expected a provider only with action CUSTOM)");
    }

    @Test
    void denyWithoutRules() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                action: DENY
                """))).containsExactly(
                "test.yaml:7:3: error: AuthorizationPolicy/ns/test: spec.rules: action DENY without rules (expected at least one rule; an empty rule {} denies every request)");
    }

    @Test
    void allowWithoutRulesIsValid() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                action: ALLOW
                """))).isEmpty();
    }

    @Test
    void fromWithoutSource() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - from:
                  - {}
                """))).containsExactly(
                "test.yaml:9:7: error: AuthorizationPolicy/ns/test: spec.rules[0].from[0].source: missing (expected a source with at least one field)");
    }

    @Test
    void emptySource() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - from:
                  - source: {}
                """))).containsExactly(
                "test.yaml:9:7: error: AuthorizationPolicy/ns/test: spec.rules[0].from[0].source: empty source (expected at least one field such as principals or namespaces)");
    }

    @Test
    void serviceAccountsWithPrincipals() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - from:
                  - source:
                      principals: [cluster.local/ns/bookinfo/sa/productpage]
                      serviceAccounts: [bookinfo/productpage]
                """))).containsExactly(
                "test.yaml:11:9: error: AuthorizationPolicy/ns/test: spec.rules[0].from[0].source.serviceAccounts: serviceAccounts with principals or namespaces (expected serviceAccounts alone, or principals and namespaces)");
    }

    @Test
    void serviceAccountWithWildcard() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - from:
                  - source:
                      serviceAccounts: ["bookinfo/*"]
                """))).containsExactly(
                "test.yaml:10:27: error: AuthorizationPolicy/ns/test: spec.rules[0].from[0].source.serviceAccounts[0]: \"bookinfo/*\" (expected a service account without wildcard)");
    }

    @Test
    void serviceAccountWithTwoSlashes() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - from:
                  - source:
                      notServiceAccounts: [cluster/bookinfo/productpage]
                """))).containsExactly(
                "test.yaml:10:30: error: AuthorizationPolicy/ns/test: spec.rules[0].from[0].source.notServiceAccounts[0]: \"cluster/bookinfo/productpage\" (expected serviceAccount or namespace/serviceAccount)");
    }

    @Test
    void ipBlockThatIsNotACidr() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - from:
                  - source:
                      remoteIpBlocks: [10.0.0.0/33]
                """))).containsExactly(
                "test.yaml:10:26: error: AuthorizationPolicy/ns/test: spec.rules[0].from[0].source.remoteIpBlocks[0]: \"10.0.0.0/33\" (expected an IP address or a CIDR block such as 10.0.0.0/16)");
    }

    @Test
    void emptyValueInASource() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - from:
                  - source:
                      namespaces: [bookinfo, ""]
                """))).containsExactly(
                "test.yaml:10:32: error: AuthorizationPolicy/ns/test: spec.rules[0].from[0].source.namespaces[1]: \"\" (expected a non-empty value)");
    }

    @Test
    void toWithoutOperation() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - to:
                  - {}
                """))).containsExactly(
                "test.yaml:9:7: error: AuthorizationPolicy/ns/test: spec.rules[0].to[0].operation: missing (expected an operation with at least one field)");
    }

    @Test
    void emptyOperation() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - to:
                  - operation: {}
                """))).containsExactly(
                "test.yaml:9:7: error: AuthorizationPolicy/ns/test: spec.rules[0].to[0].operation: empty operation (expected at least one field such as paths or methods)");
    }

    @Test
    void portThatIsNotANumber() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - to:
                  - operation:
                      notPorts: [http]
                """))).containsExactly(
                "test.yaml:10:20: error: AuthorizationPolicy/ns/test: spec.rules[0].to[0].operation.notPorts[0]: \"http\" (expected a port number 0..65535)");
    }

    @Test
    void pathTemplateWithAnythingAfterDoubleStar() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - to:
                  - operation:
                      paths: ["/{**}/reviews/{*}"]
                """))).containsExactly(
                "test.yaml:10:17: error: AuthorizationPolicy/ns/test: spec.rules[0].to[0].operation.paths[0]: \"/{**}/reviews/{*}\" (expected a path template of literal segments, {*} and a final {**})");
    }

    @Test
    void pathTemplateWithBadSegment() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - to:
                  - operation:
                      paths: ["/api/{*}/v1*"]
                """))).containsExactly(
                "test.yaml:10:17: error: AuthorizationPolicy/ns/test: spec.rules[0].to[0].operation.paths[0]: \"/api/{*}/v1*\" with segment \"v1*\" (expected a path template of literal segments, {*} and a final {**})");
    }

    @Test
    void conditionWithoutKey() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - when:
                  - values: [bookinfo]
                """))).containsExactly(
                "test.yaml:9:7: error: AuthorizationPolicy/ns/test: spec.rules[0].when[0].key: missing (expected a condition key)");
    }

    @Test
    void conditionWithoutValues() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - when:
                  - key: source.namespace
                """))).containsExactly(
                "test.yaml:9:7: error: AuthorizationPolicy/ns/test: spec.rules[0].when[0]: no values or notValues for \"source.namespace\" (expected at least one of values, notValues)");
    }

    @Test
    void unknownConditionKeyIsRejected() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - when:
                  - key: request.method
                    values: [GET]
                """))).containsExactly(
                "test.yaml:9:12: error: AuthorizationPolicy/ns/test: spec.rules[0].when[0].key: unknown key \"request.method\" (expected a condition key inmesh evaluates: request.headers[NAME], source.ip, remote.ip, source.namespace, source.principal, source.serviceAccount, request.auth.principal, request.auth.audiences, request.auth.presenter, request.auth.claims[NAME], destination.ip, destination.port, connection.sni)");
    }

    @Test
    void envoyFilterConditionIsRejected() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                action: DENY
                rules:
                - when:
                  - key: experimental.envoy.filters.network.mysql_proxy[db.table]
                    values: ["[update]"]
                """))).containsExactly(
                "test.yaml:10:12: error: AuthorizationPolicy/ns/test: spec.rules[0].when[0].key: \"experimental.envoy.filters.network.mysql_proxy[db.table]\", Envoy filter metadata, which inmesh does not have (expected a condition key inmesh evaluates: request.headers[NAME], source.ip, remote.ip, source.namespace, source.principal, source.serviceAccount, request.auth.principal, request.auth.audiences, request.auth.presenter, request.auth.claims[NAME], destination.ip, destination.port, connection.sni)");
    }

    @Test
    void headerConditionWithoutName() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - when:
                  - key: request.headers
                    values: [x]
                """))).containsExactly(
                "test.yaml:9:12: error: AuthorizationPolicy/ns/test: spec.rules[0].when[0].key: \"request.headers\" (expected request.headers[NAME])");
    }

    @Test
    void destinationLabelsCondition() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - when:
                  - key: destination.labels[app]
                    values: [reviews]
                """))).containsExactly(
                "test.yaml:9:12: error: AuthorizationPolicy/ns/test: spec.rules[0].when[0].key: \"destination.labels[app]\" (expected the policy's namespace and selector, which replace this key)");
    }

    @Test
    void ipConditionWithBadAddress() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - when:
                  - key: destination.ip
                    values: [10.0.0.256]
                """))).containsExactly(
                "test.yaml:10:16: error: AuthorizationPolicy/ns/test: spec.rules[0].when[0].values[0]: \"10.0.0.256\" (expected an IP address or a CIDR block such as 10.0.0.0/16)");
    }

    @Test
    void portConditionOutOfRange() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - when:
                  - key: destination.port
                    notValues: ["65536"]
                """))).containsExactly(
                "test.yaml:10:19: error: AuthorizationPolicy/ns/test: spec.rules[0].when[0].notValues[0]: \"65536\" (expected a port number 0..65535)");
    }

    @Test
    void emptyConditionValue() {
        assertThat(diagnostics(document("AuthorizationPolicy", """
                rules:
                - when:
                  - key: request.auth.claims[groups]
                    values: [""]
                """))).containsExactly(
                "test.yaml:10:16: error: AuthorizationPolicy/ns/test: spec.rules[0].when[0].values[0]: \"\" (expected a non-empty value)");
    }

    @Test
    void dryRunOnAudit() {
        assertThat(diagnostics("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata:
                  name: test
                  namespace: ns
                  annotations:
                    istio.io/dry-run: "true"
                spec:
                  action: AUDIT
                  rules:
                  - {}
                """)).containsExactly(
                "test.yaml:7:23: error: AuthorizationPolicy/ns/test: metadata.annotations[istio.io/dry-run]: istio.io/dry-run with action AUDIT (expected it only with action ALLOW or DENY)",
                "test.yaml:7:23: warning: AuthorizationPolicy/ns/test: metadata.annotations[istio.io/dry-run]: unsupported: istio.io/dry-run is ignored by inmesh (the policy is enforced)");
    }

    @Test
    void dryRunThatIsNotABoolean() {
        assertThat(diagnostics("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata:
                  name: test
                  namespace: ns
                  annotations:
                    istio.io/dry-run: "yes"
                spec:
                  rules:
                  - {}
                """)).containsExactly(
                "test.yaml:7:23: error: AuthorizationPolicy/ns/test: metadata.annotations[istio.io/dry-run]: \"yes\" (expected true or false)",
                "test.yaml:7:23: warning: AuthorizationPolicy/ns/test: metadata.annotations[istio.io/dry-run]: unsupported: istio.io/dry-run is ignored by inmesh (the policy is enforced)");
    }

    @Test
    void dryRunOnAnotherKind() {
        assertThat(diagnostics("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: test
                  namespace: ns
                  annotations:
                    istio.io/dry-run: "true"
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                    - destination: {host: reviews}
                """)).containsExactly(
                "test.yaml:7:23: error: VirtualService/ns/test: metadata.annotations[istio.io/dry-run]: annotation istio.io/dry-run on a VirtualService (expected it only on an AuthorizationPolicy)");
    }
}
