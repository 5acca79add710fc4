package io.inmesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.model.ConnectionPoolSettings;
import io.inmesh.core.model.DestinationRule;
import io.inmesh.core.model.HttpRoute;
import io.inmesh.core.model.ObjectMeta;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.StringMatch;
import io.inmesh.core.model.VirtualService;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reader is strict: every field it does not know, every value of the wrong type and every
 * duplicate is an error at the position where it was written; nothing is silently dropped.
 */
class ConfigReaderStrictnessTest {

    private static final String SOURCE = "strict.yaml";
    private static final String DNS1123_SUBDOMAIN = "(expected a DNS-1123 subdomain: lower-case letters, digits,"
            + " '-' and '.', starting and ending with a letter or digit, at most 253 characters)";
    private static final String DNS1123_LABEL =
            "(expected a DNS-1123 label: lower-case letters, digits and '-', at most 63 characters)";

    private final ConfigReader reader = ConfigReader.create();

    private ConfigReader.ReadResult read(String yaml) {
        return reader.read(SOURCE, yaml);
    }

    private static Diagnostic error(int line, int column, String resource, String field, String message) {
        return new Diagnostic(Severity.ERROR, new SourceLocation(SOURCE, line, column), resource, field, message);
    }

    /** The one resource read without any diagnostic. */
    private Resource<?> readClean(String yaml) {
        ConfigReader.ReadResult result = read(yaml);
        assertThat(result.diagnostics()).isEmpty();
        assertThat(result.resources()).hasSize(1);
        return result.resources().get(0);
    }

    @Test
    void aMisspelledFieldIsAnErrorAtTheKeyWithADidYouMean() {
        ConfigReader.ReadResult result = read("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                spec:
                  host: reviews
                  trafficPolicy:
                    conectionPool:
                      tcp: {maxConnections: 10}
                  subsets:
                  - name: v1
                    lables: {version: v1}
                """);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(
                error(8, 5, "DestinationRule/default/reviews", "spec.trafficPolicy.conectionPool",
                        "unknown field \"conectionPool\" in TrafficPolicy (did you mean \"connectionPool\"?)"),
                error(12, 5, "DestinationRule/default/reviews", "spec.subsets[0].lables",
                        "unknown field \"lables\" in Subset (did you mean \"labels\"?)"));
    }

    @Test
    void anUnknownFieldWithNoCloseNameListsTheKnownOnes() {
        ConfigReader.ReadResult result = read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  owner: team-a
                spec:
                  hosts: [reviews]
                  routing: []
                extras: true
                """);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(
                error(5, 3, "VirtualService/default/reviews", "metadata.owner", "unknown field \"owner\" in metadata"),
                error(8, 3, "VirtualService/default/reviews", "spec.routing",
                        "unknown field \"routing\" in VirtualService (expected one of: hosts, gateways, http, tls, tcp, exportTo)"),
                error(9, 1, "VirtualService/default/reviews", "extras",
                        "unknown field \"extras\" (expected apiVersion, kind, metadata, spec, status)"));
    }

    @Test
    void aQuotedNumberWhereAnIntegerIsExpectedIsAnError() {
        ConfigReader.ReadResult result = read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                    - destination: {host: reviews, subset: v1}
                      weight: "90"
                    - destination: {host: reviews, subset: v2}
                      weight: 10.5
                """);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(
                error(10, 15, "VirtualService/default/reviews", "spec.http[0].route[0].weight",
                        "expected an integer, got \"90\""),
                error(12, 15, "VirtualService/default/reviews", "spec.http[0].route[1].weight",
                        "expected an integer, got number 10.5"));
    }

    @Test
    void anUnquotedNumberOrBooleanWhereAStringIsExpectedMustBeQuoted() {
        ConfigReader.ReadResult result = read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  hosts: [reviews]
                  http:
                  - match:
                    - headers:
                        x-version: {exact: 2}
                        x-canary: {exact: yes}
                    route:
                    - destination: {host: reviews, subset: 1.0}
                """);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(
                error(10, 28, "VirtualService/default/reviews", "spec.http[0].match[0].headers[x-version].exact",
                        "expected a string, got integer 2 (quote it: \"2\")"),
                error(11, 27, "VirtualService/default/reviews", "spec.http[0].match[0].headers[x-canary].exact",
                        "expected a string, got boolean yes (quote it: \"yes\")"),
                error(13, 44, "VirtualService/default/reviews", "spec.http[0].route[0].destination.subset",
                        "expected a string, got number 1.0 (quote it: \"1.0\")"));
    }

    @Test
    void anUnknownEnumValueListsTheExpectedOnes() {
        ConfigReader.ReadResult result = read("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                spec:
                  host: reviews
                  trafficPolicy:
                    loadBalancer:
                      simple: round_robin
                    tls:
                      mode: MTLS
                """);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(
                error(9, 15, "DestinationRule/default/reviews", "spec.trafficPolicy.loadBalancer.simple",
                        "unknown value \"round_robin\" (expected one of: UNSPECIFIED, LEAST_CONN, RANDOM, PASSTHROUGH,"
                                + " ROUND_ROBIN, LEAST_REQUEST)"),
                error(11, 13, "DestinationRule/default/reviews", "spec.trafficPolicy.tls.mode",
                        "unknown value \"MTLS\" (expected one of: DISABLE, SIMPLE, MUTUAL, ISTIO_MUTUAL)"));
    }

    @Test
    void aDuplicateFieldIsAnErrorAtTheSecondKeyWhereverItIs() {
        ConfigReader.ReadResult result = read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  name: ratings
                  labels:
                    app: reviews
                    app: ratings
                spec:
                  hosts: [reviews]
                  http:
                  - timeout: 1s
                    timeout: 2s
                spec:
                  hosts: [ratings]
                """);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(
                error(5, 3, "VirtualService/default/reviews", "metadata.name", "duplicate field \"name\""),
                error(8, 5, "VirtualService/default/reviews", "metadata.labels[app]", "duplicate key \"app\""),
                error(13, 5, "VirtualService/default/reviews", "spec.http[0].timeout", "duplicate field \"timeout\""),
                error(14, 1, "VirtualService/default/reviews", "spec", "duplicate field \"spec\""));
    }

    @Test
    void aCrdAliasBesideItsCamelCaseFieldIsADuplicate() {
        ConfigReader.ReadResult result = read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  hosts: [reviews]
                  http:
                  - route: [{destination: {host: reviews}}]
                    mirrorPercent: 5
                    mirror_percent: 6
                """);

        assertThat(result.diagnostics()).containsExactly(error(10, 5, "VirtualService/default/reviews",
                "spec.http[0].mirror_percent", "duplicate field \"mirror_percent\""));
    }

    @Test
    void aListWhereAnObjectIsExpectedAndTheReverseAreErrors() {
        ConfigReader.ReadResult result = read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  hosts:
                    reviews: true
                  http:
                  - route:
                      destination:
                        host: reviews
                  - route:
                    - destination:
                      - host: reviews
                    -
                """);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(
                error(7, 5, "VirtualService/default/reviews", "spec.hosts", "expected a list, got an object"),
                error(10, 7, "VirtualService/default/reviews", "spec.http[0].route", "expected a list, got an object"),
                error(14, 7, "VirtualService/default/reviews", "spec.http[1].route[0].destination",
                        "expected an object (Destination), got a list"),
                error(15, 6, "VirtualService/default/reviews", "spec.http[1].route[1]", "expected a value, got null"));
    }

    @Test
    void durationsMustBeStringsWithUnits() {
        ConfigReader.ReadResult result = read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  hosts: [reviews]
                  http:
                  - timeout: 5
                    retries:
                      perTryTimeout: "1.5"
                      attempts: 3
                """);

        assertThat(result.diagnostics()).containsExactly(
                error(8, 14, "VirtualService/default/reviews", "spec.http[0].timeout",
                        "expected a duration such as 1.5s, 300ms or 1m, got integer 5"),
                error(10, 22, "VirtualService/default/reviews", "spec.http[0].retries.perTryTimeout",
                        "expected a duration such as 1.5s, 300ms or 1m, got \"1.5\""));
    }

    @Test
    void integersAreReadAsYamlOneOneWritesThem() {
        Resource<?> resource = readClean("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                spec:
                  host: reviews
                  trafficPolicy:
                    connectionPool:
                      tcp:
                        maxConnections: 1_000
                      http:
                        http1MaxPendingRequests: 0x40
                        http2MaxRequests: 0144
                        maxRetries: +3
                """);

        ConnectionPoolSettings pool = resource.spec(DestinationRule.class).trafficPolicy().connectionPool();
        assertThat(pool.tcp().maxConnections()).isEqualTo(1000);
        assertThat(pool.http().http1MaxPendingRequests()).isEqualTo(64);
        assertThat(pool.http().http2MaxRequests()).as("0144 is octal in YAML 1.1, as Kubernetes reads it").isEqualTo(100);
        assertThat(pool.http().maxRetries()).isEqualTo(3);
    }

    @Test
    void anIntegerBeyondThirtyTwoBitsIsAnError() {
        ConfigReader.ReadResult result = read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  http:
                  - route:
                    - destination: {host: reviews}
                      weight: 4294967296
                """);

        assertThat(result.diagnostics()).containsExactly(error(9, 15, "VirtualService/default/reviews",
                "spec.http[0].route[0].weight", "integer 4294967296 is out of range (expected a 32-bit integer)"));
    }

    @Test
    void snakeCaseFieldNamesAreRefusedWithTheCamelCaseNameAsIstiosCrdsWouldDropThem() {
        ConfigReader.ReadResult result = read("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                spec:
                  host: reviews
                  trafficPolicy:
                    connectionPool:
                      http:
                        http1_max_pending_requests: 10
                    outlierDetection:
                      consecutive_5xx_errors: 7
                """);

        assertThat(result.diagnostics()).containsExactly(
                error(10, 9, "DestinationRule/default/reviews", "spec.trafficPolicy.connectionPool.http.http1_max_pending_requests",
                        "unknown field \"http1_max_pending_requests\" in HTTPSettings (write \"http1MaxPendingRequests\": "
                                + "Istio's resources take camelCase field names and would drop this one)"),
                error(12, 7, "DestinationRule/default/reviews", "spec.trafficPolicy.outlierDetection.consecutive_5xx_errors",
                        "unknown field \"consecutive_5xx_errors\" in OutlierDetection (write \"consecutive5xxErrors\": "
                                + "Istio's resources take camelCase field names and would drop this one)"));
    }

    @Test
    void theSnakeCaseAliasesIstiosCrdsDeclareAreAccepted() {
        Resource<?> route = readClean("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                    - destination: {host: reviews}
                    mirror: {host: reviews-shadow}
                    mirror_percent: 5
                """);
        assertThat(route.spec(io.inmesh.core.model.VirtualService.class).http().get(0).mirrorPercent()).isEqualTo(5);
    }

    @Test
    void theRemovedWebsocketUpgradeFieldIsAWarningAndTheRouteStillLoads() {
        ConfigReader.ReadResult result = read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: chat
                spec:
                  hosts: [chat]
                  http:
                  - websocketUpgrade: true
                    route:
                    - destination: {host: chat}
                """);

        assertThat(result.hasErrors()).isFalse();
        assertThat(result.diagnostics()).containsExactly(new Diagnostic(Severity.WARNING,
                new SourceLocation(SOURCE, 8, 5), "VirtualService/default/chat", "spec.http[0].websocketUpgrade",
                "field \"websocketUpgrade\" was removed from Istio's HTTPRoute; ignored (WebSocket upgrades are always allowed)"));
        HttpRoute route = result.resources().get(0).spec(VirtualService.class).http().get(0);
        assertThat(route.route()).singleElement().satisfies(d -> assertThat(d.destination().host()).isEqualTo("chat"));
    }

    @Test
    void aHeaderWrittenWithoutMatchOnlyAsksForPresence() {
        Resource<?> resource = readClean("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  http:
                  - match:
                    - headers:
                        x-debug: {}
                        x-trace:
                """);

        Map<String, StringMatch> headers = resource.spec(VirtualService.class).http().get(0).match().get(0).headers();
        assertThat(headers).containsOnlyKeys("x-debug", "x-trace");
        assertThat(headers.values()).allSatisfy(match -> assertThat(match.isEmpty()).isTrue());
    }

    @Test
    void unwrittenListsAreEmptyAndUnwrittenScalarsAreNull() {
        Resource<?> resource = readClean("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  http:
                  - name: all
                """);

        VirtualService spec = resource.spec(VirtualService.class);
        assertThat(spec.hosts()).isEmpty();
        assertThat(spec.exportTo()).isEmpty();
        HttpRoute route = spec.http().get(0);
        assertThat(route.name()).isEqualTo("all");
        assertThat(route.match()).isEmpty();
        assertThat(route.timeout()).isNull();
        assertThat(route.fault()).isNull();
    }

    @Test
    void namespaceDefaultsToDefaultAndMetadataKeepsLabelsAndAnnotations() {
        Resource<?> resource = readClean("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews.v1
                  labels:
                    app.kubernetes.io/name: reviews
                  annotations:
                    kubectl.kubernetes.io/last-applied-configuration: "{}"
                  uid: 6d6f3a4e-1b2c-4d5e-8f90-a1b2c3d4e5f6
                  resourceVersion: "1234"
                  generation: 3
                  creationTimestamp: "2024-01-01T00:00:00Z"
                  managedFields: [{manager: kubectl}]
                status: {}
                """);

        assertThat(resource.metadata()).isEqualTo(new ObjectMeta("reviews.v1", "default",
                Map.of("app.kubernetes.io/name", "reviews"),
                Map.of("kubectl.kubernetes.io/last-applied-configuration", "{}")));
        assertThat(resource.key()).isEqualTo("VirtualService/default/reviews.v1");
    }

    @Test
    void missingMetadataOrNameIsAnError() {
        ConfigReader.ReadResult result = read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                spec: {}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  namespace: bookinfo
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: ""
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: reviews
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: 42
                """);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(
                error(1, 1, "VirtualService/default/<unnamed>", "metadata",
                        "missing metadata (expected an object with at least a name)"),
                error(8, 3, "VirtualService/bookinfo/<unnamed>", "metadata.name", "missing name"),
                error(13, 9, "VirtualService/default/", "metadata.name", "missing name"),
                error(17, 11, "VirtualService/default/<unnamed>", "metadata",
                        "expected metadata to be an object with at least a name, got \"reviews\""),
                error(22, 9, "VirtualService/default/42", "metadata.name",
                        "expected a string, got integer 42 (quote it: \"42\")"));
    }

    @Test
    void namesMustBeDns1123SubdomainsAndNamespacesDns1123Labels() {
        String longName = "a".repeat(254);
        String longNamespace = "n".repeat(64);
        ConfigReader.ReadResult result = read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: Reviews_V1
                  namespace: book.info
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: -reviews
                  namespace: Bookinfo
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %s
                  namespace: %s
                """.formatted(longName, longNamespace));

        assertThat(result.resources()).isEmpty();
        String longKey = "VirtualService/" + longNamespace + "/" + longName;
        assertThat(result.diagnostics()).containsExactly(
                error(4, 9, "VirtualService/book.info/Reviews_V1", "metadata.name",
                        "invalid name \"Reviews_V1\" " + DNS1123_SUBDOMAIN),
                error(5, 14, "VirtualService/book.info/Reviews_V1", "metadata.namespace",
                        "invalid namespace \"book.info\" " + DNS1123_LABEL),
                error(10, 9, "VirtualService/Bookinfo/-reviews", "metadata.name",
                        "invalid name \"-reviews\" " + DNS1123_SUBDOMAIN),
                error(11, 14, "VirtualService/Bookinfo/-reviews", "metadata.namespace",
                        "invalid namespace \"Bookinfo\" " + DNS1123_LABEL),
                error(16, 9, longKey, "metadata.name", "invalid name \"" + longName + "\" " + DNS1123_SUBDOMAIN),
                error(17, 14, longKey, "metadata.namespace",
                        "invalid namespace \"" + longNamespace + "\" " + DNS1123_LABEL));
    }

    @Test
    void anErrorInOneResourceDoesNotDropItsNeighbours() {
        ConfigReader.ReadResult result = read("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: good-before}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: bad}
                spec: {hosts: reviews}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: good-after}
                """);

        assertThat(result.resources()).extracting(Resource::name).containsExactly("good-before", "good-after");
        assertThat(result.diagnostics()).containsExactly(
                error(8, 15, "VirtualService/default/bad", "spec.hosts", "expected a list, got \"reviews\""));
    }
}
