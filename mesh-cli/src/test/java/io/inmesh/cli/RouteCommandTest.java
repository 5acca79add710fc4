package io.inmesh.cli;

import static io.inmesh.cli.MeshRun.mesh;
import static io.inmesh.cli.MeshRun.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String REVIEWS_JASON = resource("istio-conformance/bookinfo/virtual-service-reviews-jason-v2-v3.yaml");
    private static final String REVIEWS_90_10 = resource("istio-conformance/bookinfo/virtual-service-reviews-90-10.yaml");
    private static final String RATINGS_DELAY = resource("istio-conformance/bookinfo/virtual-service-ratings-test-delay.yaml");
    private static final String RATINGS_ABORT = resource("istio-conformance/bookinfo/virtual-service-ratings-test-abort.yaml");
    private static final String DESTINATION_RULES = resource("istio-conformance/bookinfo/destination-rule-all.yaml");

    /** The Bookinfo files carry no namespace, so they are in "default". */
    private static final String REVIEWS = "reviews.default.svc.cluster.local";
    private static final String RATINGS = "ratings.default.svc.cluster.local";

    @TempDir
    Path dir;

    // ------------------------------------------------------------ header routing (Bookinfo)

    @Test
    void jasonGoesToReviewsV2() throws IOException {
        JsonNode json = routeJson("--config", REVIEWS_JASON, DESTINATION_RULES, "--host", "reviews", "--header", "end-user=jason");

        assertThat(json.get("outcome").asText()).isEqualTo("ROUTED");
        assertThat(json.get("virtualService").asText()).isEqualTo("default/reviews");
        assertThat(json.get("route").isInt()).isTrue();
        assertThat(json.get("route").asInt()).isZero();
        assertThat(json.get("destinations")).hasSize(1);
        JsonNode destination = json.get("destinations").get(0);
        assertThat(destination.get("host").asText()).isEqualTo(REVIEWS);
        assertThat(destination.get("subset").asText()).isEqualTo("v2");
        assertThat(destination.get("port").asInt()).isEqualTo(80);
        assertThat(destination.get("weight").asInt()).isEqualTo(100);
        assertThat(json.has("fault")).isFalse();
        assertThat(json.has("timeout")).isFalse();
        assertThat(json.has("retries")).isFalse();
    }

    @Test
    void everyoneElseGoesToReviewsV3() throws IOException {
        JsonNode json = routeJson("--config", REVIEWS_JASON, DESTINATION_RULES, "--host", "reviews");

        assertThat(json.get("route").asInt()).isEqualTo(1);
        assertThat(json.get("destinations")).hasSize(1);
        assertThat(json.get("destinations").get(0).get("subset").asText()).isEqualTo("v3");
    }

    @Test
    void headerNamesMatchWhateverTheirCaseAndFullyQualifiedHostsWork() throws IOException {
        JsonNode json = routeJson("--config", REVIEWS_JASON, "--config", DESTINATION_RULES,
                "--host", REVIEWS, "--header", "End-User=jason");

        assertThat(json.get("destinations").get(0).get("subset").asText()).isEqualTo("v2");
    }

    @Test
    void aDestinationWithoutPortUsesTheRequestsPort() throws IOException {
        JsonNode fromOption = routeJson("--config", REVIEWS_JASON, DESTINATION_RULES, "--host", "reviews", "--port", "9080");
        JsonNode fromHost = routeJson("--config", REVIEWS_JASON, DESTINATION_RULES, "--host", "reviews:9080");

        assertThat(fromOption.get("destinations").get(0).get("port").asInt()).isEqualTo(9080);
        assertThat(fromHost.get("destinations").get(0).get("port").asInt()).isEqualTo(9080);
    }

    @Test
    void textNamesTheRuleTheRouteAndTheDestination() {
        MeshRun run = mesh("route", "--config", REVIEWS_JASON, DESTINATION_RULES, "--host", "reviews", "--header", "end-user=jason");

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly(
                "reviews.default.svc.cluster.local: VirtualService default/reviews, route #0",
                "  -> reviews.default.svc.cluster.local subset v2, port 80: weight 100",
                "       cluster reviews.default.svc.cluster.local|v2|80 (DestinationRule default/reviews): load balancer"
                        + " LEAST_REQUEST (Istio's default)",
                "  in effect: timeout none; retries 2 retries on connect-failure,refused-stream,unavailable,cancelled,"
                        + "retriable-status-codes [503], back-off 25ms base (Istio's default)");
        assertThat(run.err()).isEmpty();
    }

    // ------------------------------------------------------------ weighted split (Bookinfo)

    @Test
    void sampledSharesFollowTheWeightsWithinBinomialTolerance() throws IOException {
        int samples = 10_000;
        JsonNode json = routeJson("--config", REVIEWS_90_10, DESTINATION_RULES, "--host", "reviews", "--samples", String.valueOf(samples), "--seed", "7");

        JsonNode destinations = json.get("destinations");
        assertThat(destinations).hasSize(2);
        assertThat(destinations.get(0).get("subset").asText()).isEqualTo("v1");
        assertThat(destinations.get(0).get("weight").asInt()).isEqualTo(90);
        assertThat(destinations.get(1).get("subset").asText()).isEqualTo("v2");
        assertThat(destinations.get(1).get("weight").asInt()).isEqualTo(10);
        double tolerance = 4.5 * Math.sqrt(0.9 * 0.1 / samples);
        double v1 = destinations.get(0).get("share").asDouble();
        double v2 = destinations.get(1).get("share").asDouble();
        assertThat(v1).isCloseTo(0.9, org.assertj.core.data.Offset.offset(tolerance));
        assertThat(v2).isCloseTo(0.1, org.assertj.core.data.Offset.offset(tolerance));
        // Every pick went somewhere: the shares are counts over the same N.
        assertThat(Math.round(v1 * samples) + Math.round(v2 * samples)).isEqualTo(samples);
    }

    @Test
    void theSameSeedGivesTheSameOutput() {
        String[] args = {"route", "--config", REVIEWS_90_10, DESTINATION_RULES, "--host", "reviews", "--samples", "10000", "--seed", "7"};

        MeshRun first = mesh(args);
        MeshRun second = mesh(args);

        assertThat(first.exitCode()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(first.outLines()).hasSize(7);
        assertThat(first.outLines().get(1)).startsWith("  -> reviews.default.svc.cluster.local subset v1, port 80: weight 90, share 0.");
        assertThat(first.outLines().get(3)).startsWith("  -> reviews.default.svc.cluster.local subset v2, port 80: weight 10, share 0.");
        assertThat(first.outLines().get(6)).isEqualTo("  shares of 10000 picks with seed 7");
    }

    @Test
    void withoutSamplesThereIsNoShare() throws IOException {
        JsonNode json = routeJson("--config", REVIEWS_90_10, DESTINATION_RULES, "--host", "reviews");

        assertThat(json.get("destinations").get(0).has("share")).isFalse();
        assertThat(json.has("samples")).isFalse();
    }

    @Test
    void aSingleDestinationGetsEveryPick() throws IOException {
        JsonNode json = routeJson("--config", REVIEWS_JASON, DESTINATION_RULES, "--host", "reviews", "--samples", "50");

        assertThat(json.get("destinations").get(0).get("share").asDouble()).isEqualTo(1.0);
    }

    // ------------------------------------------------------------ fault injection (Bookinfo)

    @Test
    void jasonsRatingsAreDelayedSevenSeconds() throws IOException {
        JsonNode json = routeJson("--config", RATINGS_DELAY, DESTINATION_RULES, "--host", "ratings", "--header", "end-user=jason");

        JsonNode fault = json.get("fault");
        assertThat(fault.has("abort")).isFalse();
        assertThat(fault.get("delay").get("fixedDelay").asText()).isEqualTo("7s");
        assertThat(fault.get("delay").get("percentage").asDouble()).isEqualTo(100.0);
        assertThat(json.get("destinations").get(0).get("host").asText()).isEqualTo(RATINGS);
        assertThat(json.get("destinations").get(0).get("subset").asText()).isEqualTo("v1");
    }

    @Test
    void jasonsRatingsAreAbortedWith500() throws IOException {
        JsonNode json = routeJson("--config", RATINGS_ABORT, DESTINATION_RULES, "--host", "ratings", "--header", "end-user=jason");

        JsonNode fault = json.get("fault");
        assertThat(fault.has("delay")).isFalse();
        assertThat(fault.get("abort").get("httpStatus").asInt()).isEqualTo(500);
        assertThat(fault.get("abort").get("percentage").asDouble()).isEqualTo(100.0);
    }

    @Test
    void othersRatingsHaveNoFault() throws IOException {
        JsonNode json = routeJson("--config", RATINGS_DELAY, DESTINATION_RULES, "--host", "ratings", "--header", "end-user=bob");

        assertThat(json.get("route").asInt()).isEqualTo(1);
        assertThat(json.has("fault")).isFalse();
    }

    @Test
    void faultInText() {
        MeshRun delay = mesh("route", "--config", RATINGS_DELAY, DESTINATION_RULES, "--host", "ratings", "--header", "end-user=jason");
        MeshRun abort = mesh("route", "--config", RATINGS_ABORT, DESTINATION_RULES, "--host", "ratings", "--header", "end-user=jason");

        assertThat(delay.outLines()).startsWith(
                "ratings.default.svc.cluster.local: VirtualService default/ratings, route #0",
                "  -> ratings.default.svc.cluster.local subset v1, port 80: weight 100",
                "       cluster ratings.default.svc.cluster.local|v1|80 (DestinationRule default/ratings): load balancer"
                        + " LEAST_REQUEST (Istio's default)",
                "  fault: delay 7s for 100% of requests");
        assertThat(abort.outLines()).contains("  fault: abort with HTTP 500 for 100% of requests");
    }

    // ------------------------------------------------------------ the other route settings

    @Test
    void clusterPolicyMergesSubsetAndPortLevelSettingsAsIstioDoes() throws IOException {
        Path config = write("reviews-policy.yaml", """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  host: reviews
                  trafficPolicy:
                    loadBalancer:
                      simple: RANDOM
                    connectionPool:
                      tcp:
                        maxConnections: 1
                      http:
                        http1MaxPendingRequests: 1
                    outlierDetection:
                      consecutive5xxErrors: 3
                      interval: 1s
                    portLevelSettings:
                    - port:
                        number: 9080
                      loadBalancer:
                        consistentHash:
                          httpHeaderName: x-user
                  subsets:
                  - name: v1
                    labels:
                      version: v1
                    trafficPolicy:
                      connectionPool:
                        http:
                          http2MaxRequests: 5
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts:
                  - reviews
                  http:
                  - retries:
                      attempts: 1
                      retryOn: gateway-error,409
                    mirror:
                      host: reviews
                      subset: v1
                    mirrorPercentage:
                      value: 12.5
                    route:
                    - destination:
                        host: reviews
                        subset: v1
                """);

        JsonNode onServicePort = routeJson("--config", config.toString(), "--host", "reviews:9080", "--namespace", "bookinfo");
        JsonNode onOtherPort = routeJson("--config", config.toString(), "--host", "reviews:8080", "--namespace", "bookinfo");

        JsonNode cluster = onServicePort.get("destinations").get(0).get("cluster");
        assertThat(cluster.get("name").asText()).isEqualTo("reviews.bookinfo.svc.cluster.local|v1|9080");
        assertThat(cluster.get("destinationRule").asText()).isEqualTo("bookinfo/reviews");
        // The port's load balancer replaces the rule's; the subset's connection pool replaces the rule's whole.
        assertThat(cluster.get("loadBalancer").asText()).isEqualTo("consistent hash on header x-user (ring hash, minimum ring size 1024)");
        assertThat(cluster.get("connectionPool").asText()).isEqualTo("http.http2MaxRequests 5");
        assertThat(cluster.get("outlierDetection").asText())
                .isEqualTo("eject after 3 consecutive 5xx, interval 1s, base ejection 30s, at most 10% ejected, no panic threshold");
        assertThat(onOtherPort.get("destinations").get(0).get("cluster").get("loadBalancer").asText()).isEqualTo("RANDOM");

        JsonNode effective = onServicePort.get("effective");
        assertThat(effective.get("retries").get("retryOn")).extracting(JsonNode::asText)
                .containsExactly("gateway-error", "retriable-status-codes");
        assertThat(effective.get("retries").get("retriableStatusCodes")).extracting(JsonNode::asInt).containsExactly(409);
        assertThat(effective.get("mirrors")).extracting(JsonNode::asText)
                .containsExactly("reviews.bookinfo.svc.cluster.local subset v1 (12.5%)");
    }

    @Test
    void deprecatedIntegerPercentTimeoutAndRetries() throws IOException {
        Path config = write("ratings.yaml", """
                apiVersion: networking.istio.io/v1beta1
                kind: VirtualService
                metadata:
                  name: ratings
                  namespace: bookinfo
                spec:
                  hosts:
                  - ratings
                  http:
                  - name: flaky
                    fault:
                      abort:
                        httpStatus: 503
                        percentage:
                          value: 25
                      delay:
                        fixedDelay: 1.5s
                        percent: 10
                    timeout: 10s
                    retries:
                      attempts: 3
                      perTryTimeout: 250ms
                      retryOn: 5xx,connect-failure
                    route:
                    - destination:
                        host: ratings
                        port:
                          number: 9080
                """);

        JsonNode json = routeJson("--config", config.toString(), "--host", "ratings", "--namespace", "bookinfo", "--port", "8080");

        assertThat(fieldNames(json)).containsExactly("virtualService", "route", "destinations", "fault", "timeout", "retries", "outcome",
                "effective");
        assertThat(json.get("virtualService").asText()).isEqualTo("bookinfo/ratings");
        assertThat(json.get("route").isTextual()).isTrue();
        assertThat(json.get("route").asText()).isEqualTo("flaky");
        JsonNode destination = json.get("destinations").get(0);
        assertThat(destination.get("host").asText()).isEqualTo("ratings.bookinfo.svc.cluster.local");
        assertThat(destination.get("subset").isNull()).isTrue();
        assertThat(destination.get("port").asInt()).isEqualTo(9080);
        assertThat(fieldNames(json.get("fault"))).containsExactly("abort", "delay");
        assertThat(json.get("fault").get("abort").get("httpStatus").asInt()).isEqualTo(503);
        assertThat(json.get("fault").get("abort").get("percentage").asDouble()).isEqualTo(25.0);
        assertThat(json.get("fault").get("delay").get("fixedDelay").asText()).isEqualTo("1.5s");
        assertThat(json.get("fault").get("delay").get("percentage").asDouble()).isEqualTo(10.0);
        assertThat(json.get("timeout").asText()).isEqualTo("10s");
        JsonNode retries = json.get("retries");
        assertThat(fieldNames(retries)).containsExactly("attempts", "perTryTimeout", "retryOn");
        assertThat(retries.get("attempts").asInt()).isEqualTo(3);
        assertThat(retries.get("perTryTimeout").asText()).isEqualTo("250ms");
        assertThat(retries.get("retryOn").asText()).isEqualTo("5xx,connect-failure");
        // What the data path applies: the timeout and the retry policy as Envoy gets them from Istio.
        JsonNode effective = json.get("effective");
        assertThat(effective.get("timeout").asText()).isEqualTo("10s");
        assertThat(effective.get("retries").get("attempts").asInt()).isEqualTo(3);
        assertThat(effective.get("retries").get("retryOn")).extracting(JsonNode::asText).containsExactly("5xx", "connect-failure");
        assertThat(effective.get("retries").get("retriableStatusCodes")).isEmpty();
        assertThat(effective.get("retries").get("backoffBase").asText()).isEqualTo("25ms");
        assertThat(effective.get("retries").get("istioDefault").asBoolean()).isFalse();
        assertThat(effective.get("fault").asText()).isEqualTo("delay 1.5s (10%), abort 503 (25%)");

        JsonNode withExtras = routeJson("--config", write("retries.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: ratings
                spec:
                  hosts:
                  - ratings
                  http:
                  - retries:
                      attempts: 2
                      retryRemoteLocalities: true
                    route:
                    - destination:
                        host: ratings
                """).toString(), "--host", "ratings").get("retries");
        assertThat(fieldNames(withExtras)).containsExactly("attempts", "perTryTimeout", "retryOn", "retryRemoteLocalities");
        assertThat(withExtras.get("perTryTimeout").isNull()).isTrue();
        assertThat(withExtras.get("retryRemoteLocalities").asBoolean()).isTrue();

        MeshRun text = mesh("route", "--config", config.toString(), "--host", "ratings", "--namespace", "bookinfo");
        assertThat(text.outLines()).containsExactly(
                "ratings.bookinfo.svc.cluster.local: VirtualService bookinfo/ratings, route flaky (#0)",
                "  -> ratings.bookinfo.svc.cluster.local, port 9080: weight 100",
                "       cluster ratings.bookinfo.svc.cluster.local||9080 (no DestinationRule): load balancer LEAST_REQUEST (Istio's default)",
                "  fault: abort with HTTP 503 for 25% of requests",
                "  fault: delay 1.5s for 10% of requests",
                "  timeout: 10s",
                "  retries: 3 attempts, 250ms per try, on 5xx,connect-failure",
                "  in effect: timeout 10s; retries 3 retries on 5xx,connect-failure, per try 250ms, back-off 25ms base");
        // The deprecated integer percent is honoured, and flagged as deprecated.
        assertThat(text.exitCode()).isZero();
        assertThat(text.errLines()).containsExactly(config + ":18:18: warning: VirtualService/bookinfo/ratings: "
                + "spec.http[0].fault.delay.percent: deprecated (still honoured when percentage is not set): use percentage");
    }

    @Test
    void redirectDirectResponseRewriteMirrorAndHeaders() throws IOException {
        Path config = write("productpage.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: productpage
                  namespace: bookinfo
                spec:
                  hosts:
                  - productpage
                  http:
                  - match:
                    - uri:
                        prefix: /old
                    redirect:
                      uri: /new
                      authority: shop.example.com
                      redirectCode: 308
                  - match:
                    - uri:
                        exact: /health
                    directResponse:
                      status: 200
                      body:
                        string: ok
                  - rewrite:
                      uri: /v1
                    mirror:
                      host: productpage-shadow
                      subset: v2
                    mirrorPercentage:
                      value: 12.5
                    headers:
                      request:
                        set:
                          x-mesh: inmesh
                        remove:
                        - x-debug
                    route:
                    - destination:
                        host: productpage
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: productpage-shadow
                  namespace: bookinfo
                spec:
                  host: productpage-shadow
                  subsets:
                  - name: v2
                    labels:
                      version: v2
                """);
        String path = config.toString();
        String[] common = {"route", "--config", path, "--host", "productpage", "--namespace", "bookinfo", "--output", "json"};

        JsonNode redirect = parse(mesh(concat(common, "--path", "/old/page")));
        JsonNode direct = parse(mesh(concat(common, "--path", "/health")));
        JsonNode forwarded = parse(mesh(concat(common, "--path", "/products")));

        assertThat(redirect.get("destinations")).isEmpty();
        assertThat(redirect.get("redirect").get("uri").asText()).isEqualTo("/new");
        assertThat(redirect.get("redirect").get("authority").asText()).isEqualTo("shop.example.com");
        assertThat(redirect.get("redirect").get("redirectCode").asInt()).isEqualTo(308);

        assertThat(direct.get("destinations")).isEmpty();
        assertThat(direct.get("directResponse").get("status").asInt()).isEqualTo(200);
        assertThat(direct.get("directResponse").get("body").get("string").asText()).isEqualTo("ok");

        assertThat(forwarded.get("route").asInt()).isEqualTo(2);
        assertThat(forwarded.get("rewrite").get("uri").asText()).isEqualTo("/v1");
        JsonNode mirror = forwarded.get("mirror");
        assertThat(mirror.get("host").asText()).isEqualTo("productpage-shadow.bookinfo.svc.cluster.local");
        assertThat(mirror.get("subset").asText()).isEqualTo("v2");
        assertThat(mirror.get("percentage").asDouble()).isEqualTo(12.5);
        JsonNode request = forwarded.get("headers").get("request");
        assertThat(request.get("set").get("x-mesh").asText()).isEqualTo("inmesh");
        assertThat(request.get("remove").get(0).asText()).isEqualTo("x-debug");
    }

    @Test
    void aMirrorWithoutPercentageMirrorsEverything() throws IOException {
        Path config = write("mirror.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: httpbin
                spec:
                  hosts:
                  - httpbin
                  http:
                  - route:
                    - destination:
                        host: httpbin
                        subset: v1
                    mirror:
                      host: httpbin
                      subset: v2
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: httpbin
                spec:
                  host: httpbin
                  subsets:
                  - name: v1
                    labels:
                      version: v1
                  - name: v2
                    labels:
                      version: v2
                """);

        JsonNode json = routeJson("--config", config.toString(), "--host", "httpbin");

        assertThat(json.get("mirror").get("percentage").asDouble()).isEqualTo(100.0);
    }

    // ------------------------------------------------------------ outcomes, caller and request

    @Test
    void aHostWithoutRulesTakesTheDefaultRoute() throws IOException {
        JsonNode json = routeJson("--config", REVIEWS_JASON, DESTINATION_RULES, "--host", "details", "--namespace", "bookinfo", "--port", "9080");

        assertThat(json.get("outcome").asText()).isEqualTo("DEFAULT_ROUTE");
        assertThat(json.get("virtualService").isNull()).isTrue();
        assertThat(json.get("route").isNull()).isTrue();
        JsonNode destination = json.get("destinations").get(0);
        assertThat(destination.get("host").asText()).isEqualTo("details.bookinfo.svc.cluster.local");
        assertThat(destination.get("port").asInt()).isEqualTo(9080);
    }

    @Test
    void aRuleWithoutAMatchingRouteIsNoRoute() throws IOException {
        Path config = write("only-jason.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  hosts:
                  - reviews
                  http:
                  - match:
                    - headers:
                        end-user:
                          exact: jason
                    route:
                    - destination:
                        host: reviews
                """);

        JsonNode json = routeJson("--config", config.toString(), "--host", "reviews");
        MeshRun text = mesh("route", "--config", config.toString(), "--host", "reviews");

        assertThat(json.get("outcome").asText()).isEqualTo("NO_ROUTE");
        assertThat(json.get("virtualService").asText()).isEqualTo("default/reviews");
        assertThat(json.get("route").isNull()).isTrue();
        assertThat(json.get("destinations")).isEmpty();
        assertThat(text.exitCode()).isZero();
        assertThat(text.outLines().get(0)).startsWith("reviews.default.svc.cluster.local: VirtualService default/reviews applies, but none");
    }

    @Test
    void sourceLabelsNamespaceMethodQueryAndPathReachTheMatcher() throws IOException {
        Path config = write("conditions.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts:
                  - reviews
                  http:
                  - match:
                    - sourceLabels:
                        app: productpage
                      sourceNamespace: frontend
                      method:
                        exact: POST
                      uri:
                        prefix: /api
                      queryParams:
                        debug:
                          exact: "1"
                    route:
                    - destination:
                        host: reviews
                        subset: special
                  - route:
                    - destination:
                        host: reviews
                        subset: v1
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  host: reviews
                  subsets:
                  - name: special
                    labels:
                      version: special
                  - name: v1
                    labels:
                      version: v1
                """);
        List<String> all = List.of("route", "--config", config.toString(), "--host", "reviews.bookinfo.svc.cluster.local",
                "--namespace", "frontend", "--source-label", "app=productpage", "--source-label", "version=v1",
                "--method", "post", "--path", "/api/reviews", "--query", "debug=1", "--output", "json");

        assertThat(subset(parse(mesh(all.toArray(String[]::new))))).isEqualTo("special");
        assertThat(subset(parse(mesh(without(all, "--source-label", "app=productpage"))))).isEqualTo("v1");
        assertThat(subset(parse(mesh(without(all, "--namespace", "frontend"))))).isEqualTo("v1");
        assertThat(subset(parse(mesh(without(all, "--method", "post"))))).isEqualTo("v1");
        assertThat(subset(parse(mesh(without(all, "--query", "debug=1"))))).isEqualTo("v1");
        assertThat(subset(parse(mesh(without(all, "--path", "/api/reviews"))))).isEqualTo("v1");
    }

    // ------------------------------------------------------------ invalid configuration, warnings, usage

    @Test
    void invalidConfigPrintsTheDiagnosticsAndExitsOne() throws IOException {
        Path config = write("bad.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  hosts:
                  - reviews
                  http:
                  - route:
                    - destination:
                        host: reviews
                      weigth: 100
                """);

        MeshRun run = mesh("route", "--config", config.toString(), "--host", "reviews", "--output", "json");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).containsExactly(
                config + ":12:7: error: VirtualService/default/reviews: spec.http[0].route[0].weigth: "
                        + "unknown field \"weigth\" in HTTPRouteDestination (did you mean \"weight\"?)",
                "0 resources, 1 errors, 0 warnings");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void warningsOfAValidConfigGoToStderr() throws IOException {
        Path config = write("with-filter.yaml", """
                apiVersion: networking.istio.io/v1alpha3
                kind: EnvoyFilter
                metadata:
                  name: lua
                spec:
                  configPatches: []
                """);

        MeshRun run = mesh("route", "--config", config.toString(), REVIEWS_JASON, DESTINATION_RULES, "--host", "reviews", "--output", "json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith(config + ":1:1: warning: EnvoyFilter/default/lua: unsupported kind EnvoyFilter");
        assertThat(JSON.readTree(run.out()).get("outcome").asText()).isEqualTo("ROUTED");
    }

    @Test
    void aNameValueWithoutEqualsIsAUsageError() {
        MeshRun run = mesh("route", "--config", REVIEWS_JASON, "--host", "reviews", "--header", "end-user");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines().get(0)).isEqualTo(
                "mesh route: Invalid value for option '--header' (NAME=VALUE): 'end-user' has no '=' (expected NAME=VALUE, such as end-user=jason)");
        assertThat(run.errLines().get(1)).isEqualTo("Try 'mesh route --help' for more information.");
    }

    @Test
    void otherUsageErrorsExitTwo() {
        assertUsageError("route", "--config", REVIEWS_JASON);
        assertUsageError("route", "--host", "reviews");
        assertUsageError("route", "--config", REVIEWS_JASON, "--host", "reviews", "--port", "0");
        assertUsageError("route", "--config", REVIEWS_JASON, "--host", "reviews", "--port", "http");
        assertUsageError("route", "--config", REVIEWS_JASON, "--host", "reviews", "--samples", "-1");
        assertUsageError("route", "--config", REVIEWS_JASON, "--host", "reviews", "--output", "yaml");
        assertUsageError("route", "--config", REVIEWS_JASON, "--host", "reviews", "--query", "=1");
        assertUsageError("route", "--config", REVIEWS_JASON, "--host", "reviews", "--source-label", "app=a", "--source-label", "app=b");
    }

    private static void assertUsageError(String... args) {
        MeshRun run = mesh(args);
        assertThat(run.exitCode()).as("exit status of %s", List.of(args)).isEqualTo(2);
        assertThat(run.out()).as("stdout of %s", List.of(args)).isEmpty();
        assertThat(run.errLines()).as("stderr of %s", List.of(args)).hasSize(2);
    }

    // ------------------------------------------------------------ helpers

    private static JsonNode routeJson(String... args) throws IOException {
        return parse(mesh(concat(concat(new String[] {"route"}, args), "--output", "json")));
    }

    private static JsonNode parse(MeshRun run) throws IOException {
        assertThat(run.exitCode()).as("exit status; stdout: %s; stderr: %s", run.out(), run.err()).isZero();
        return JSON.readTree(run.out());
    }

    private static String subset(JsonNode json) {
        return json.get("destinations").get(0).get("subset").asText();
    }

    private static List<String> fieldNames(JsonNode json) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String[] concat(String[] first, String... second) {
        String[] all = new String[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    /** {@code args} without the option {@code name} given with {@code value}. */
    private static String[] without(List<String> args, String name, String value) {
        List<String> kept = new ArrayList<>(args);
        for (int i = 0; i < kept.size() - 1; i++) {
            if (kept.get(i).equals(name) && kept.get(i + 1).equals(value)) {
                kept.remove(i + 1);
                kept.remove(i);
                return kept.toArray(String[]::new);
            }
        }
        throw new IllegalArgumentException(name + " " + value + " not in " + args);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
