package io.inmesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which {@code apiVersion} and {@code kind} combinations are read, refused or skipped. */
class ConfigReaderApiVersionTest {

    private static final String SOURCE = "versions.yaml";
    private static final String SUPPORTED_KINDS = "inmesh reads VirtualService, DestinationRule, ServiceEntry,"
            + " WorkloadEntry, Sidecar, Gateway, PeerAuthentication, AuthorizationPolicy, RequestAuthentication";

    private final ConfigReader reader = ConfigReader.create();

    static Stream<Arguments> everyKindInEveryAcceptedVersion() {
        return Arrays.stream(ResourceKind.values()).flatMap(kind -> kind.group().apiVersions().stream()
                .map(apiVersion -> Arguments.of(kind, apiVersion)));
    }

    @Test
    void theAcceptedVersionsAreIstiosServedOnes() {
        assertThat(ResourceKind.VIRTUAL_SERVICE.group().apiVersions()).containsExactly(
                "networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3");
        assertThat(ResourceKind.AUTHORIZATION_POLICY.group().apiVersions())
                .containsExactly("security.istio.io/v1", "security.istio.io/v1beta1");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyKindInEveryAcceptedVersion")
    void everyKindIsReadInEveryAcceptedVersion(ResourceKind kind, String apiVersion) {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: %s
                kind: %s
                metadata:
                  name: sample
                  namespace: team-a
                """.formatted(apiVersion, kind.kindName()));

        assertThat(result.diagnostics()).isEmpty();
        assertThat(result.resources()).singleElement().satisfies(resource -> {
            assertThat(resource.kind()).isEqualTo(kind);
            assertThat(resource.apiVersion()).isEqualTo(apiVersion);
            assertThat(resource.key()).isEqualTo(kind.kindName() + "/team-a/sample");
            assertThat(resource.spec()).isInstanceOf(kind.specType());
        });
    }

    @Test
    void anUnknownVersionOfTheNetworkingGroupIsAnErrorNamingTheAcceptedOnes() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: networking.istio.io/v2
                kind: VirtualService
                metadata:
                  name: reviews
                """);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(new Diagnostic(Severity.ERROR,
                new SourceLocation(SOURCE, 1, 13), "VirtualService/default/reviews", "apiVersion",
                "unsupported apiVersion networking.istio.io/v2 for VirtualService (expected one of:"
                        + " networking.istio.io/v1, networking.istio.io/v1beta1, networking.istio.io/v1alpha3)"));
    }

    @Test
    void anIstioKindUnderAnotherGroupIsATypoAndAnErrorNotASkippedDocument() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: v1
                kind: VirtualService
                metadata:
                  name: reviews
                """);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(new Diagnostic(Severity.ERROR,
                new SourceLocation(SOURCE, 1, 13), "VirtualService/default/reviews", "apiVersion",
                "unsupported apiVersion v1 for VirtualService (expected one of:"
                        + " networking.istio.io/v1, networking.istio.io/v1beta1, networking.istio.io/v1alpha3)"));
    }

    @Test
    void anUnknownVersionOfTheSecurityGroupIsAnErrorNamingTheAcceptedOnes() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: security.istio.io/v1alpha1
                kind: PeerAuthentication
                metadata:
                  name: default
                  namespace: istio-system
                spec:
                  mtls:
                    mode: STRICT
                """);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(new Diagnostic(Severity.ERROR,
                new SourceLocation(SOURCE, 1, 13), "PeerAuthentication/istio-system/default", "apiVersion",
                "unsupported apiVersion security.istio.io/v1alpha1 for PeerAuthentication (expected one of:"
                        + " security.istio.io/v1, security.istio.io/v1beta1)"));
    }

    @Test
    void aSupportedKindWithoutApiVersionIsAnErrorNotSilentlySkipped() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                kind: DestinationRule
                metadata:
                  name: reviews
                spec:
                  host: reviews
                """);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(new Diagnostic(Severity.ERROR,
                new SourceLocation(SOURCE, 1, 1), "DestinationRule/default/reviews", "apiVersion",
                "missing apiVersion (expected one of: networking.istio.io/v1, networking.istio.io/v1beta1,"
                        + " networking.istio.io/v1alpha3)"));
    }

    @Test
    void unsupportedKindsAreWarningsAndTheOtherDocumentsOfTheFileStillLoad() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: bookinfo-gateway
                  namespace: bookinfo
                spec:
                  gatewayClassName: istio
                  listeners:
                  - name: http
                    port: 80
                    protocol: HTTP
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  hosts: [reviews]
                ---
                apiVersion: networking.istio.io/v1alpha3
                kind: EnvoyFilter
                metadata:
                  name: lua
                spec:
                  configPatches: []
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: web
                  namespace: shop
                spec:
                  rules: []
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata:
                  name: istio-gateway
                spec:
                  selector: {istio: ingressgateway}
                """);

        assertThat(result.hasErrors()).isFalse();
        assertThat(result.resources()).extracting(Resource::key)
                .containsExactly("VirtualService/default/reviews", "Gateway/default/istio-gateway");
        assertThat(result.resources().get(1).kind()).isEqualTo(ResourceKind.GATEWAY);
        assertThat(result.diagnostics()).containsExactly(
                warning(1, "Gateway/bookinfo/bookinfo-gateway",
                        "unsupported kind Gateway (gateway.networking.k8s.io/v1): skipped; " + SUPPORTED_KINDS),
                warning(20, "EnvoyFilter/default/lua",
                        "unsupported kind EnvoyFilter (networking.istio.io/v1alpha3): skipped; " + SUPPORTED_KINDS),
                warning(27, "Ingress/shop/web",
                        "unsupported kind Ingress (networking.k8s.io/v1): skipped; " + SUPPORTED_KINDS));
        assertThat(result.diagnostics()).allSatisfy(d -> assertThat(d.format()).contains(": warning: "));
    }

    @Test
    void anUnsupportedKindWithoutNameStillWarns() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: v1
                kind: ConfigMap
                data: {a: b}
                """);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(new Diagnostic(Severity.WARNING,
                new SourceLocation(SOURCE, 1, 1), null, null, "unsupported kind ConfigMap (v1): skipped; " + SUPPORTED_KINDS));
    }

    private static Diagnostic warning(int line, String resource, String message) {
        return new Diagnostic(Severity.WARNING, new SourceLocation(SOURCE, line, 1), resource, null, message);
    }
}
