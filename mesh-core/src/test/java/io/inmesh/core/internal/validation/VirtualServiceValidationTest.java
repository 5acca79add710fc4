package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.ValidationFixture.diagnostics;
import static io.inmesh.core.internal.validation.ValidationFixture.document;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Istio's VirtualService rules, each rule with a test that asserts the exact diagnostic, plus the
 * unreachable-route warnings. Documents come from {@link ValidationFixture#document}: spec line n is
 * file line n + 6.
 */
class VirtualServiceValidationTest {

    @Test
    void regexLongerThan1024Characters() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - authority: {regex: "%s"}
                  route:
                  - destination: {host: reviews}
                """.formatted("a".repeat(1025))))).containsExactly(
                "test.yaml:10:26: error: VirtualService/ns/test: spec.http[0].match[0].authority.regex: regex of 1025 characters"
                        + " (expected at most 1024)");
    }

    @Test
    void directResponseBodyOverOneMebibyte() {
        // 1025 lines of 1023 characters and a newline: a folded block keeps each line short.
        String body = ("x".repeat(1023) + "\n").repeat(1025).indent(10);
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - directResponse:
                    status: 200
                    body:
                      string: |
                %s""".formatted(body)))).containsExactly(
                "test.yaml:12:17: error: VirtualService/ns/test: spec.http[0].directResponse.body.string: body of 1049600 bytes"
                        + " (expected at most 1 MiB)");
    }

    @Test
    void directResponseBodyOver100KibibytesIsAWarning() {
        String body = "x".repeat(100 * 1024 + 1);
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - directResponse:
                    status: 200
                    body:
                      string: %s
                """.formatted(body)))).containsExactly(
                "test.yaml:12:17: warning: VirtualService/ns/test: spec.http[0].directResponse.body.string: body of 102401 bytes"
                        + " (expected at most 100 KiB; large bodies slow every config push)");
    }

    @Test
    void validRouteHasNoDiagnostics() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                """))).isEmpty();
    }

    @Test
    void hostThatIsNotADnsName() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews_v1]
                http:
                - route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:7:11: error: VirtualService/ns/test: spec.hosts[0]: \"reviews_v1\" (expected a DNS name such as reviews or *.example.com, or an IP address)");
    }

    @Test
    void ipAddressHostIsAllowed() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [10.0.0.1]
                http:
                - route:
                  - destination: {host: reviews}
                """))).isEmpty();
    }

    @Test
    void wildcardHostForTheMesh() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: ["*"]
                http:
                - route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:7:11: error: VirtualService/ns/test: spec.hosts[0]: \"*\" (expected named hosts; * is allowed only when bound to gateways)");
    }

    @Test
    void overlappingHosts() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: ["*.example.com", "api.example.com"]
                http:
                - route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:7:28: error: VirtualService/ns/test: spec.hosts[1]: \"api.example.com\" overlaps \"*.example.com\" (expected distinct hosts in one VirtualService)");
    }

    @Test
    void noRoutes() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                """))).containsExactly(
                "test.yaml:7:3: error: VirtualService/ns/test: spec.http: no http, tcp or tls routes (expected at least one route)");
    }

    @Test
    void gatewayNameThatIsNotADnsLabel() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                gateways: [ns/edge_gateway]
                http:
                - route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:8:14: error: VirtualService/ns/test: spec.gateways[0]: \"ns/edge_gateway\" (expected a gateway as namespace/name, both DNS-1123 labels)",
                "test.yaml:8:14: warning: VirtualService/ns/test: spec.gateways[0]: \"ns/edge_gateway\" (expected a Gateway; there is no Gateway/ns/edge_gateway)");
    }

    @Test
    void legacyGatewayNameIsAWarning() {
        assertThat(diagnostics("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata:
                  name: edge
                  namespace: ns
                spec:
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: ["*"]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: test
                  namespace: ns
                spec:
                  hosts: ["*"]
                  gateways: [edge.ns.svc.cluster.local]
                  http:
                  - route:
                    - destination: {host: reviews}
                """)).containsExactly(
                "test.yaml:18:14: warning: VirtualService/ns/test: spec.gateways[0]: \"edge.ns.svc.cluster.local\" (expected the namespace/name form: \"ns/edge\")");
    }

    @Test
    void exportToThatIsNotANamespace() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                exportTo: [bad_namespace]
                """))).containsExactly(
                "test.yaml:11:14: error: VirtualService/ns/test: spec.exportTo[0]: \"bad_namespace\" (expected \".\", \"*\" or a namespace)");
    }

    @Test
    void exportToOwnNamespaceTwice() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                exportTo: [., ns]
                """))).containsExactly(
                "test.yaml:11:17: error: VirtualService/ns/test: spec.exportTo[1]: duplicate \"ns\" (expected each namespace once)");
    }

    @Test
    void exportToEveryoneWithOthers() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                exportTo: ["*", other]
                """))).containsExactly(
                "test.yaml:11:14: error: VirtualService/ns/test: spec.exportTo[0]: \"*\" with other entries (expected \"*\" alone)");
    }

    @Test
    void exportToNoOneIsOnlyForServiceEntries() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                exportTo: ["~"]
                """))).containsExactly(
                "test.yaml:11:14: error: VirtualService/ns/test: spec.exportTo[0]: \"~\" (expected \".\", \"*\" or a namespace)");
    }

    @Test
    void routeAndRedirect() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  redirect: {uri: /v2}
                """))).containsExactly(
                "test.yaml:11:5: error: VirtualService/ns/test: spec.http[0].redirect: route and redirect set (expected only one of: route, redirect, directResponse, delegate)");
    }

    @Test
    void redirectAndDirectResponse() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - redirect: {uri: /v2}
                  directResponse: {status: 503}
                """))).containsExactly(
                "test.yaml:10:5: error: VirtualService/ns/test: spec.http[0].directResponse: redirect and directResponse set (expected only one of: route, redirect, directResponse, delegate)");
    }

    @Test
    void noRouteRedirectDirectResponseOrDelegate() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - uri: {prefix: /api}
                """))).containsExactly(
                "test.yaml:9:5: error: VirtualService/ns/test: spec.http[0]: no route, redirect, directResponse or delegate (expected exactly one of them)");
    }

    @Test
    void faultOnARedirect() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - redirect: {uri: /v2}
                  fault:
                    abort: {httpStatus: 503}
                """))).containsExactly(
                "test.yaml:10:5: error: VirtualService/ns/test: spec.http[0].fault: fault and redirect set (expected fault only on a route that forwards)");
    }

    @Test
    void rewriteOnADirectResponse() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - directResponse: {status: 404}
                  rewrite: {uri: /v2}
                """))).containsExactly(
                "test.yaml:10:5: error: VirtualService/ns/test: spec.http[0].rewrite: rewrite and directResponse set (expected rewrite only on a route that forwards)");
    }

    @Test
    void mirrorAndMirrors() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  mirror: {host: ratings}
                  mirrors:
                  - destination: {host: details}
                """))).containsExactly(
                "test.yaml:12:5: error: VirtualService/ns/test: spec.http[0].mirrors: mirror and mirrors set (expected only one of: mirror, mirrors)");
    }

    @Test
    void pseudoHeaderInAMatch() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - headers:
                      ":authority": {exact: reviews}
                  route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:11:9: error: VirtualService/ns/test: spec.http[0].match[0].headers[:authority]: header name \":authority\" (expected letters, digits, '-' and '_'; no pseudo-headers such as :path)");
    }

    @Test
    void stringMatchWithExactAndPrefix() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - uri: {exact: /a, prefix: /b}
                  route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:10:32: error: VirtualService/ns/test: spec.http[0].match[0].uri.prefix: exact and prefix set (expected only one of: exact, prefix, regex)");
    }

    @Test
    void emptyPrefixOfAMethod() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - method: {prefix: ""}
                  route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:10:24: error: VirtualService/ns/test: spec.http[0].match[0].method.prefix: \"\" (expected a non-empty prefix)");
    }

    @Test
    void emptyUriPrefixIsAllowed() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - uri: {prefix: ""}
                  route:
                  - destination: {host: reviews}
                """))).isEmpty();
    }

    @Test
    void regexThatRe2CannotCompile() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - uri: {regex: "/api/(v1"}
                  route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:10:20: error: VirtualService/ns/test: spec.http[0].match[0].uri.regex: \"/api/(v1\": missing closing ) (expected an RE2 regular expression)");
    }

    @Test
    void lookaheadIsNotRe2() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - headers:
                      cookie: {regex: "(?=.*user=jason).*"}
                  route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:11:25: error: VirtualService/ns/test: spec.http[0].match[0].headers[cookie].regex: \"(?=.*user=jason).*\": invalid or unsupported Perl syntax (expected an RE2 regular expression)");
    }

    @Test
    void emptyRegex() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - queryParams:
                      version: {regex: ""}
                  route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:11:26: error: VirtualService/ns/test: spec.http[0].match[0].queryParams[version].regex: \"\" (expected a non-empty RE2 regular expression)");
    }

    @Test
    void withoutHeadersStarMeansAbsent() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - withoutHeaders:
                      x-canary: {regex: "*"}
                  route:
                  - destination: {host: reviews}
                """))).isEmpty();
    }

    @Test
    void matchPortOutOfRange() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - port: 70000
                  route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:10:13: error: VirtualService/ns/test: spec.http[0].match[0].port: 70000 (expected a port number 1..65535)");
    }

    @Test
    void sourceLabelKeyThatIsNotALabel() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - sourceLabels:
                      "app/v1/x": productpage
                  route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:11:21: error: VirtualService/ns/test: spec.http[0].match[0].sourceLabels[app/v1/x]: label key \"app/v1/x\" (expected a label key such as app or example.com/app)");
    }

    @Test
    void sourceNamespaceThatIsNotADnsLabel() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - sourceNamespace: Book_Info
                  route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:10:24: error: VirtualService/ns/test: spec.http[0].match[0].sourceNamespace: \"Book_Info\" (expected a namespace, a DNS-1123 label: letters, digits and '-', starting and ending with a letter or digit)");
    }

    @Test
    void setPseudoHeaderOnARequest() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  headers:
                    request:
                      set:
                        ":path": /v2
                """))).containsExactly(
                "test.yaml:14:20: error: VirtualService/ns/test: spec.http[0].headers.request.set[:path]: header \":path\" (expected a header name without the ':' of pseudo-headers)");
    }

    @Test
    void setHostOnAResponse() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  headers:
                    response:
                      set:
                        host: reviews
                """))).containsExactly(
                "test.yaml:14:17: error: VirtualService/ns/test: spec.http[0].headers.response.set[host]: header \"host\" (expected a header other than Host; rewrite.authority changes it)");
    }

    @Test
    void removeHostFromARequest() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                    headers:
                      request:
                        remove: [Host]
                """))).containsExactly(
                "test.yaml:13:20: error: VirtualService/ns/test: spec.http[0].route[0].headers.request.remove[0]: header \"Host\" (expected a header other than Host; rewrite.authority changes it)");
    }

    @Test
    void headerValueWithAControlCharacter() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  headers:
                    request:
                      add:
                        x-note: "line\\nbreak"
                """))).containsExactly(
                "test.yaml:14:19: error: VirtualService/ns/test: spec.http[0].headers.request.add[x-note]: header value with a control character (expected printable characters and tab)");
    }

    @Test
    void headerValueWithAnUnclosedVariable() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  headers:
                    response:
                      add:
                        x-discount: "100% off"
                """))).containsExactly(
                "test.yaml:14:23: error: VirtualService/ns/test: spec.http[0].headers.response.add[x-discount]: \"100% off\" (expected %% for a literal % or a closed %VARIABLE% expression)");
    }

    @Test
    void authoritySetTwice() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  rewrite: {authority: reviews.internal}
                  headers:
                    request:
                      set:
                        ":authority": reviews.example.com
                """))).containsExactly(
                "test.yaml:15:25: error: VirtualService/ns/test: spec.http[0].headers.request.set[:authority]: authority set again to \"reviews.example.com\" (expected the authority set once; spec.http[0].rewrite.authority already sets it)");
    }

    @Test
    void faultWithoutDelayOrAbort() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  fault: {}
                """))).containsExactly(
                "test.yaml:11:5: error: VirtualService/ns/test: spec.http[0].fault: no delay or abort (expected a delay, an abort or both)");
    }

    @Test
    void faultPercentageBelowEnvoysResolution() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  fault:
                    abort:
                      httpStatus: 503
                      percentage: {value: 0.00001}
                """))).containsExactly(
                "test.yaml:14:29: error: VirtualService/ns/test: spec.http[0].fault.abort.percentage.value: 0.00001 (expected 0 or a percentage 0.0001..100)");
    }

    @Test
    void faultPercentageAbove100() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  fault:
                    delay:
                      fixedDelay: 5s
                      percentage: {value: 101}
                """))).containsExactly(
                "test.yaml:14:29: error: VirtualService/ns/test: spec.http[0].fault.delay.percentage.value: 101 (expected 0 or a percentage 0.0001..100)");
    }

    @Test
    void abortWithHttpStatusAndGrpcStatus() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  fault:
                    abort: {httpStatus: 503, grpcStatus: UNAVAILABLE}
                """))).containsExactly(
                "test.yaml:12:44: error: VirtualService/ns/test: spec.http[0].fault.abort.grpcStatus: httpStatus and grpcStatus set (expected only one of: httpStatus, grpcStatus, http2Error)");
    }

    @Test
    void abortWithHttp2Error() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  fault:
                    abort: {http2Error: REFUSED_STREAM}
                """))).containsExactly(
                "test.yaml:12:27: error: VirtualService/ns/test: spec.http[0].fault.abort.http2Error: \"REFUSED_STREAM\" (expected httpStatus or grpcStatus; Istio does not support http2Error)");
    }

    @Test
    void abortWithUnknownGrpcStatus() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  fault:
                    abort: {grpcStatus: NOT_AVAILABLE}
                """))).containsExactly(
                "test.yaml:12:27: error: VirtualService/ns/test: spec.http[0].fault.abort.grpcStatus: \"NOT_AVAILABLE\" (expected a gRPC status name such as UNAVAILABLE or NOT_FOUND)");
    }

    @Test
    void abortWithHttpStatusOutOfRange() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  fault:
                    abort: {httpStatus: 600}
                """))).containsExactly(
                "test.yaml:12:27: error: VirtualService/ns/test: spec.http[0].fault.abort.httpStatus: 600 (expected an HTTP status 200..599)");
    }

    @Test
    void abortWithoutStatusIsAWarning() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  fault:
                    abort:
                      percentage: {value: 10}
                """))).containsExactly(
                "test.yaml:12:7: warning: VirtualService/ns/test: spec.http[0].fault.abort: no httpStatus or grpcStatus (expected one; without it nothing is aborted)");
    }

    @Test
    void exponentialDelay() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  fault:
                    delay: {exponentialDelay: 1s}
                """))).containsExactly(
                "test.yaml:12:33: error: VirtualService/ns/test: spec.http[0].fault.delay.exponentialDelay: 1s (expected fixedDelay; Istio does not support exponentialDelay)");
    }

    @Test
    void delayOfZero() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  fault:
                    delay: {fixedDelay: 0s}
                """))).containsExactly(
                "test.yaml:12:27: error: VirtualService/ns/test: spec.http[0].fault.delay.fixedDelay: 0s (expected a duration >= 1ms)");
    }

    @Test
    void delayFinerThanAMillisecond() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  fault:
                    delay: {fixedDelay: 1500us}
                """))).containsExactly(
                "test.yaml:12:27: error: VirtualService/ns/test: spec.http[0].fault.delay.fixedDelay: 0.0015s (expected a duration in whole milliseconds)");
    }

    @Test
    void delayWithoutFixedDelayIsAWarning() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  fault:
                    delay:
                      percentage: {value: 10}
                """))).containsExactly(
                "test.yaml:12:7: warning: VirtualService/ns/test: spec.http[0].fault.delay: no fixedDelay (expected one; without it nothing is delayed)");
    }

    @Test
    void mirrorPercentageAbove100() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  mirror: {host: ratings}
                  mirrorPercentage: {value: 100.5}
                """))).containsExactly(
                "test.yaml:12:31: error: VirtualService/ns/test: spec.http[0].mirrorPercentage.value: 100.5 (expected a percentage 0..100)");
    }

    @Test
    void mirrorToEveryHost() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  mirror: {host: "*"}
                """))).containsExactly(
                "test.yaml:11:20: error: VirtualService/ns/test: spec.http[0].mirror.host: \"*\" (expected a service host, not a wildcard for all hosts)");
    }

    @Test
    void mirrorsWithoutDestination() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  mirrors:
                  - percentage: {value: 5}
                """))).containsExactly(
                "test.yaml:12:7: error: VirtualService/ns/test: spec.http[0].mirrors[0].destination: missing destination (expected a destination with a host)");
    }

    @Test
    void mirrorsPercentageBelowZero() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  mirrors:
                  - destination: {host: ratings}
                    percentage: {value: -1}
                """))).containsExactly(
                "test.yaml:13:27: error: VirtualService/ns/test: spec.http[0].mirrors[0].percentage.value: -1 (expected a percentage 0..100)");
    }

    @Test
    void emptyRedirect() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - redirect: {}
                """))).containsExactly(
                "test.yaml:9:5: error: VirtualService/ns/test: spec.http[0].redirect: empty redirect (expected at least one of uri, authority, scheme, port, derivePort)");
    }

    @Test
    void redirectWithPortAndDerivePort() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - redirect: {port: 8443, derivePort: FROM_REQUEST_PORT}
                """))).containsExactly(
                "test.yaml:9:40: error: VirtualService/ns/test: spec.http[0].redirect.derivePort: port and derivePort set (expected only one of: port, derivePort)");
    }

    @Test
    void redirectCodeOutside3xx() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - redirect: {uri: /v2, redirectCode: 200}
                """))).containsExactly(
                "test.yaml:9:40: error: VirtualService/ns/test: spec.http[0].redirect.redirectCode: 200 (expected a redirect status 300..399)");
    }

    @Test
    void redirectCodeEnvoyCannotSendIsAWarning() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - redirect: {uri: /v2, redirectCode: 305}
                """))).containsExactly(
                "test.yaml:9:40: warning: VirtualService/ns/test: spec.http[0].redirect.redirectCode: 305 (expected 301, 302, 303, 307 or 308; Envoy has no redirect action for other codes)");
    }

    @Test
    void redirectSchemeOtherThanHttp() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - redirect: {scheme: ftp}
                """))).containsExactly(
                "test.yaml:9:24: error: VirtualService/ns/test: spec.http[0].redirect.scheme: \"ftp\" (expected http or https)");
    }

    @Test
    void redirectPortOutOfRange() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - redirect: {port: 65536}
                """))).containsExactly(
                "test.yaml:9:22: error: VirtualService/ns/test: spec.http[0].redirect.port: 65536 (expected a port number 1..65535)");
    }

    @Test
    void directResponseStatusOutOfRange() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - directResponse: {status: 700}
                """))).containsExactly(
                "test.yaml:9:30: error: VirtualService/ns/test: spec.http[0].directResponse.status: 700 (expected an HTTP status 200..599)");
    }

    @Test
    void directResponseWithoutStatus() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - directResponse:
                    body: {string: gone}
                """))).containsExactly(
                "test.yaml:9:5: error: VirtualService/ns/test: spec.http[0].directResponse.status: missing (expected an HTTP status 200..599)");
    }

    @Test
    void directResponseBodyWithStringAndBytes() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - directResponse:
                    status: 200
                    body: {string: ok, bytes: b2s=}
                """))).containsExactly(
                "test.yaml:11:33: error: VirtualService/ns/test: spec.http[0].directResponse.body.bytes: string and bytes set (expected only one of: string, bytes)");
    }

    @Test
    void directResponseBytesThatAreNotBase64() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - directResponse:
                    status: 200
                    body: {bytes: "not base64!"}
                """))).containsExactly(
                "test.yaml:11:21: error: VirtualService/ns/test: spec.http[0].directResponse.body.bytes: text that is not base64 (expected base64-encoded bytes)");
    }

    @Test
    void negativeRetryAttempts() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  retries: {attempts: -1}
                """))).containsExactly(
                "test.yaml:11:25: error: VirtualService/ns/test: spec.http[0].retries.attempts: -1 (expected an integer >= 0)");
    }

    @Test
    void retryPolicyWithZeroAttempts() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  retries: {attempts: 0, perTryTimeout: 2s}
                """))).containsExactly(
                "test.yaml:11:25: error: VirtualService/ns/test: spec.http[0].retries.attempts: 0 (expected attempts >= 1 when perTryTimeout, retryOn or retryRemoteLocalities is set; 0 disables retries)");
    }

    @Test
    void retryPolicyWithoutAttempts() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  retries: {retryOn: 5xx}
                """))).containsExactly(
                "test.yaml:11:5: error: VirtualService/ns/test: spec.http[0].retries.attempts: missing (expected attempts >= 1 when perTryTimeout, retryOn or retryRemoteLocalities is set; 0 disables retries)");
    }

    @Test
    void perTryTimeoutBelowAMillisecond() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  retries: {attempts: 3, perTryTimeout: 500us}
                """))).containsExactly(
                "test.yaml:11:43: error: VirtualService/ns/test: spec.http[0].retries.perTryTimeout: 0.0005s (expected a duration >= 1ms)");
    }

    @Test
    void retryOnWithASpace() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  retries: {attempts: 3, retryOn: "5xx, reset"}
                """))).containsExactly(
                "test.yaml:11:37: error: VirtualService/ns/test: spec.http[0].retries.retryOn: \" reset\" (expected comma-separated conditions without spaces, each one of: 5xx, gateway-error, reset, reset-before-request, connect-failure, retriable-4xx, refused-stream, retriable-status-codes, retriable-headers, envoy-ratelimited, http3-post-connect-failure, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable, or an HTTP status code such as 503)");
    }

    @Test
    void retryOnUnknownConditionAndStatus() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  retries: {attempts: 3, retryOn: "connect-failure,503,599,timeout"}
                """))).containsExactly(
                "test.yaml:11:37: error: VirtualService/ns/test: spec.http[0].retries.retryOn: \"599\" (expected comma-separated conditions without spaces, each one of: 5xx, gateway-error, reset, reset-before-request, connect-failure, retriable-4xx, refused-stream, retriable-status-codes, retriable-headers, envoy-ratelimited, http3-post-connect-failure, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable, or an HTTP status code such as 503)",
                "test.yaml:11:37: error: VirtualService/ns/test: spec.http[0].retries.retryOn: \"timeout\" (expected comma-separated conditions without spaces, each one of: 5xx, gateway-error, reset, reset-before-request, connect-failure, retriable-4xx, refused-stream, retriable-status-codes, retriable-headers, envoy-ratelimited, http3-post-connect-failure, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable, or an HTTP status code such as 503)");
    }

    @Test
    void rewriteWithUriAndUriRegexRewrite() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  rewrite:
                    uri: /v2
                    uriRegexRewrite: {match: "^/v1/(.*)", rewrite: '/v2/\\1'}
                """))).containsExactly(
                "test.yaml:13:7: error: VirtualService/ns/test: spec.http[0].rewrite.uriRegexRewrite: uri and uriRegexRewrite set (expected only one of: uri, uriRegexRewrite)");
    }

    @Test
    void emptyRewrite() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  rewrite: {}
                """))).containsExactly(
                "test.yaml:11:5: error: VirtualService/ns/test: spec.http[0].rewrite: empty rewrite (expected at least one of uri, authority, uriRegexRewrite)");
    }

    @Test
    void uriRegexRewriteNamingAGroupTheMatchLacks() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  rewrite:
                    uriRegexRewrite: {match: "^/v1/(.*)", rewrite: '/v2/\\2'}
                """))).containsExactly(
                "test.yaml:12:54: error: VirtualService/ns/test: spec.http[0].rewrite.uriRegexRewrite.rewrite: \"/v2/\\2\" refers to group \\2 of an expression with 1 group (expected references \\0 to \\1)");
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  rewrite:
                    uriRegexRewrite: {match: "^/v1/(.*)", rewrite: '/v2/\\1'}
                """))).isEmpty();
    }

    @Test
    void uriRegexRewriteWithoutRewrite() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  rewrite:
                    uriRegexRewrite: {match: "^/v1/(.*)"}
                """))).containsExactly(
                "test.yaml:12:7: error: VirtualService/ns/test: spec.http[0].rewrite.uriRegexRewrite: match or rewrite missing (expected both match and rewrite)");
    }

    @Test
    void negativeWeight() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                    weight: -5
                """))).containsExactly(
                "test.yaml:11:15: error: VirtualService/ns/test: spec.http[0].route[0].weight: -5 (expected an integer >= 0)");
    }

    @Test
    void severalDestinationsWithTotalWeightZero() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                    weight: 0
                  - destination: {host: ratings}
                """))).containsExactly(
                "test.yaml:9:5: error: VirtualService/ns/test: spec.http[0].route: weights that total 0 (expected a total weight above 0 across 2 destinations)");
    }

    @Test
    void weightsNeedNotAddUpTo100() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                    weight: 2
                  - destination: {host: ratings}
                    weight: 1
                """))).isEmpty();
    }

    @Test
    void destinationWithoutHost() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {subset: v1}
                """))).containsExactly(
                "test.yaml:10:7: error: VirtualService/ns/test: spec.http[0].route[0].destination.host: missing host (expected a DNS name such as reviews, reviews.bookinfo.svc.cluster.local or *.example.com)");
    }

    @Test
    void subsetNameThatIsNotADnsLabel() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews, subset: v1_beta}
                """))).containsExactly(
                "test.yaml:10:44: error: VirtualService/ns/test: spec.http[0].route[0].destination.subset: \"v1_beta\" (expected a subset name, a DNS-1123 label: letters, digits and '-', starting and ending with a letter or digit)",
                "test.yaml:10:44: warning: VirtualService/ns/test: spec.http[0].route[0].destination.subset: subset \"v1_beta\" (expected a DestinationRule for host reviews.ns.svc.cluster.local that defines it; there is none; until then requests routed here fail with 503)");
    }

    @Test
    void destinationPortWithoutNumber() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination:
                      host: reviews
                      port: {}
                """))).containsExactly(
                "test.yaml:12:9: error: VirtualService/ns/test: spec.http[0].route[0].destination.port.number: 0 (expected a port number 1..65535)");
    }

    @Test
    void timeoutOfZero() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  timeout: 0s
                """))).containsExactly(
                "test.yaml:11:14: error: VirtualService/ns/test: spec.http[0].timeout: 0s (expected a duration >= 1ms)");
    }

    @Test
    void routeAfterACatchAllIsAWarning() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                - match:
                  - uri: {prefix: /api}
                  route:
                  - destination: {host: ratings}
                """))).containsExactly(
                "test.yaml:11:5: warning: VirtualService/ns/test: spec.http[1]: unreachable route (expected it before spec.http[0], which has no match and takes every request)");
    }

    @Test
    void duplicateMatchIsAWarning() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - name: first
                    headers:
                      end-user: {exact: jason}
                  route:
                  - destination: {host: reviews}
                - match:
                  - name: second
                    headers:
                      end-user: {exact: jason}
                  route:
                  - destination: {host: ratings}
                - route:
                  - destination: {host: details}
                """))).containsExactly(
                "test.yaml:16:7: warning: VirtualService/ns/test: spec.http[1].match[0]: match identical to spec.http[0].match[0] (expected distinct matches; the earlier one takes these requests)");
    }

    @Test
    void delegateVirtualServiceIsUnsupported() {
        assertThat(diagnostics(document("VirtualService", """
                http:
                - route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:7:3: warning: VirtualService/ns/test: spec.hosts: unsupported: a VirtualService without hosts (a delegate) is ignored by inmesh");
    }

    @Test
    void jwtClaimRoutingIsRejected() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - headers:
                      "@request.auth.claims.group": {exact: admin}
                  route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:11:9: error: VirtualService/ns/test: spec.http[0].match[0].headers[@request.auth.claims.group]: unsupported: JWT claim routing is not implemented by inmesh (rejected rather than ignored: ignoring the condition would widen the match)");
    }

    @Test
    void corsPolicyIsUnsupported() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  corsPolicy:
                    allowOrigins:
                    - exact: https://example.com
                """))).containsExactly(
                "test.yaml:11:5: warning: VirtualService/ns/test: spec.http[0].corsPolicy: unsupported: corsPolicy is ignored by inmesh");
    }

    @Test
    void tcpRoutesAreUnsupported() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [mongo]
                tcp:
                - route:
                  - destination: {host: mongo}
                """))).containsExactly(
                "test.yaml:8:3: warning: VirtualService/ns/test: spec.tcp: unsupported: tcp is ignored by inmesh");
    }

    @Test
    void deprecatedMirrorPercentIsHonouredWithAWarning() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  mirror: {host: ratings}
                  mirrorPercent: 50
                """))).containsExactly(
                "test.yaml:12:20: warning: VirtualService/ns/test: spec.http[0].mirrorPercent: deprecated (still honoured when mirrorPercentage is not set): use mirrorPercentage");
    }
}
