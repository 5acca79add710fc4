package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.ValidationFixture.diagnostics;
import static io.inmesh.core.internal.validation.ValidationFixture.document;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Istio's RequestAuthentication rules. Spec line n is file line n + 6.
 */
class RequestAuthenticationValidationTest {

    @Test
    void validRuleHasNoDiagnostics() {
        assertThat(diagnostics(document("RequestAuthentication", """
                selector:
                  matchLabels: {app: reviews}
                jwtRules:
                - issuer: https://accounts.example.com
                  jwksUri: https://accounts.example.com/.well-known/jwks.json
                  audiences: [bookinfo]
                  fromHeaders:
                  - {name: Authorization, prefix: "Bearer "}
                  outputClaimToHeaders:
                  - {header: x-user, claim: sub}
                  timeout: 5s
                """))).isEmpty();
    }

    @Test
    void ruleWithoutIssuerOrJwksUri() {
        assertThat(diagnostics(document("RequestAuthentication", """
                jwtRules:
                - audiences: [bookinfo]
                """))).containsExactly(
                "test.yaml:8:5: error: RequestAuthentication/ns/test: spec.jwtRules[0].issuer: missing (expected an issuer, or a jwksUri)");
    }

    @Test
    void emptyAudience() {
        assertThat(diagnostics(document("RequestAuthentication", """
                jwtRules:
                - issuer: https://accounts.example.com
                  audiences: [""]
                """))).containsExactly(
                "test.yaml:9:17: error: RequestAuthentication/ns/test: spec.jwtRules[0].audiences[0]: \"\" (expected a non-empty value)");
    }

    @Test
    void jwksAndJwksUri() {
        assertThat(diagnostics(document("RequestAuthentication", """
                jwtRules:
                - issuer: https://accounts.example.com
                  jwksUri: https://accounts.example.com/jwks.json
                  jwks: '{"keys": []}'
                """))).containsExactly(
                "test.yaml:10:11: error: RequestAuthentication/ns/test: spec.jwtRules[0].jwks: jwksUri and jwks set (expected only one of: jwksUri, jwks)");
    }

    @Test
    void jwksUriThatIsNotHttp() {
        assertThat(diagnostics(document("RequestAuthentication", """
                jwtRules:
                - issuer: https://accounts.example.com
                  jwksUri: file:///etc/jwks.json
                """))).containsExactly(
                "test.yaml:9:14: error: RequestAuthentication/ns/test: spec.jwtRules[0].jwksUri: \"file:///etc/jwks.json\" (expected an http:// or https:// URL)");
    }

    @Test
    void jwksThatIsNotAKeySet() {
        assertThat(diagnostics(document("RequestAuthentication", """
                jwtRules:
                - issuer: https://accounts.example.com
                  jwks: not-json
                """))).containsExactly(
                "test.yaml:9:11: error: RequestAuthentication/ns/test: spec.jwtRules[0].jwks: text that is not a key set (expected a JSON Web Key Set such as {\"keys\": [...]})");
    }

    @Test
    void tokenLocationsWithoutNames() {
        assertThat(diagnostics(document("RequestAuthentication", """
                jwtRules:
                - issuer: https://accounts.example.com
                  fromHeaders:
                  - {prefix: "Bearer "}
                  fromParams: [""]
                  fromCookies: [""]
                """))).containsExactly(
                "test.yaml:10:7: error: RequestAuthentication/ns/test: spec.jwtRules[0].fromHeaders[0].name: missing (expected a header name)",
                "test.yaml:11:18: error: RequestAuthentication/ns/test: spec.jwtRules[0].fromParams[0]: \"\" (expected a non-empty value)",
                "test.yaml:12:19: error: RequestAuthentication/ns/test: spec.jwtRules[0].fromCookies[0]: \"\" (expected a non-empty value)");
    }

    @Test
    void claimToHeaderWithBadHeader() {
        assertThat(diagnostics(document("RequestAuthentication", """
                jwtRules:
                - issuer: https://accounts.example.com
                  outputClaimToHeaders:
                  - {header: "x user", claim: sub}
                  - {header: x-group}
                """))).containsExactly(
                "test.yaml:10:16: error: RequestAuthentication/ns/test: spec.jwtRules[0].outputClaimToHeaders[0].header: \"x user\" (expected a header name of letters, digits, '-' and '_')",
                "test.yaml:11:7: error: RequestAuthentication/ns/test: spec.jwtRules[0].outputClaimToHeaders[1].claim: missing (expected a claim name)");
    }

    @Test
    void keyFetchTimeoutOfZero() {
        assertThat(diagnostics(document("RequestAuthentication", """
                jwtRules:
                - issuer: https://accounts.example.com
                  timeout: 0s
                """))).containsExactly(
                "test.yaml:9:14: error: RequestAuthentication/ns/test: spec.jwtRules[0].timeout: 0s (expected a duration >= 1ms)");
    }

    @Test
    void targetRefIsRejected() {
        assertThat(diagnostics(document("RequestAuthentication", """
                targetRef: {kind: Service, name: reviews}
                jwtRules:
                - issuer: https://accounts.example.com
                """))).containsExactly(
                "test.yaml:7:3: error: RequestAuthentication/ns/test: spec.targetRef: unsupported: targetRef is not implemented by inmesh (rejected rather than ignored: ignoring it would accept the tokens in the whole namespace)");
    }
}
