package io.inmesh.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.routing.RetryPolicy;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RoutePolicy;
import io.inmesh.routing.RoutingAttributes;
import io.inmesh.routing.WeightedDestination;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Envoy's prefix_rewrite, regex_rewrite, host rewrite and header operations, in Envoy's order. */
class RewriteInterceptorTest {

    private final RewriteInterceptor rewrites = new RewriteInterceptor(new RoutingRuntime(() -> new Random(1), System::nanoTime));

    private static RoutePolicy.HeaderOperations ops(Map<String, String> set, Map<String, String> add, List<String> remove) {
        return new RoutePolicy.HeaderOperations(set, add, remove);
    }

    private static MeshRequest request(String url, RoutePolicy.Rewrite rewrite, RoutePolicy.HeaderOperations routeRequest,
            RoutePolicy.HeaderOperations routeResponse, WeightedDestination destination) {
        RoutePolicy policy = new RoutePolicy(null, RetryPolicy.ISTIO_DEFAULT, null, List.of(), rewrite, routeRequest, routeResponse);
        RouteDecision decision = new RouteDecision(RouteDecision.Outcome.ROUTED, "bookinfo/reviews", null, 0, null, List.of(destination), policy);
        return MeshRequest.builder(HttpMethod.GET, url)
                .header("x-old", "1")
                .header("x-keep", "k")
                .attribute(RoutingAttributes.DECISION, decision)
                .attribute(RoutingAttributes.DESTINATION, destination)
                .build();
    }

    private static WeightedDestination plain() {
        return new WeightedDestination("reviews.bookinfo.svc.cluster.local", null, 9080, 100);
    }

    private MeshRequest forwarded(String url, RoutePolicy.Rewrite rewrite) {
        RecordingChain chain = RecordingChain.answering200();
        rewrites.intercept(request(url, rewrite, RoutePolicy.HeaderOperations.NONE, RoutePolicy.HeaderOperations.NONE, plain()), chain)
                .flatMap(MeshResponse::releaseBody).block();
        return chain.proceeded.get(0);
    }

    @Test
    void uriReplacesTheMatchedPrefixAndKeepsTheQuery() {
        RoutePolicy.Rewrite rewrite = new RoutePolicy.Rewrite("/api/", "/v2/", null, null, null);
        assertThat(forwarded("http://reviews:9080/api/reviews/1?x=y", rewrite).pathAndQuery()).isEqualTo("/v2/reviews/1?x=y");
        // Envoy replaces exactly the matched prefix: "/api" rewritten to "/" leaves "//reviews" alone, as in Envoy.
        RoutePolicy.Rewrite noSlash = new RoutePolicy.Rewrite("/api", "/", null, null, null);
        assertThat(forwarded("http://reviews:9080/api/reviews", noSlash).path()).isEqualTo("//reviews");
        // A route without a uri match is Envoy's prefix "/".
        RoutePolicy.Rewrite root = new RoutePolicy.Rewrite("/", "/v1/", null, null, null);
        assertThat(forwarded("http://reviews:9080/reviews", root).path()).isEqualTo("/v1/reviews");
    }

    @Test
    void uriReplacesTheWholePathOfAnExactOrRegexMatch() {
        RoutePolicy.Rewrite whole = new RoutePolicy.Rewrite(null, "/login", null, null, null);
        assertThat(forwarded("http://reviews:9080/signin?next=/", whole).pathAndQuery()).isEqualTo("/login?next=/");
    }

    @Test
    void uriRegexRewriteReplacesEveryMatchWithGroups() {
        RoutePolicy.Rewrite regex = new RoutePolicy.Rewrite("/", null, "^/service/([^/]+)(/.*)$", "\\2/instance/\\1", null);
        assertThat(forwarded("http://reviews:9080/service/foo/v1/api?q=1", regex).pathAndQuery()).isEqualTo("/v1/api/instance/foo?q=1");
        RoutePolicy.Rewrite global = new RoutePolicy.Rewrite("/", null, "o", "0", null);
        assertThat(forwarded("http://reviews:9080/foo/boo", global).path()).isEqualTo("/f00/b00");
        RoutePolicy.Rewrite noMatch = new RoutePolicy.Rewrite("/", null, "^/nothing", "/x", null);
        assertThat(forwarded("http://reviews:9080/foo", noMatch).path()).isEqualTo("/foo");
        RoutePolicy.Rewrite literalDollar = new RoutePolicy.Rewrite("/", null, "^/a", "/$b\\\\", null);
        assertThat(forwarded("http://reviews:9080/a/c", literalDollar).path()).isEqualTo("/$b\\/c");
    }

    @Test
    void authorityRewriteChangesTheHostTheUpstreamSees() {
        RoutePolicy.Rewrite authority = new RoutePolicy.Rewrite("/", null, null, null, "reviews-v2.internal");
        MeshRequest sent = forwarded("http://reviews:9080/reviews/1", authority);
        assertThat(sent.authority()).isEqualTo("reviews-v2.internal");
        assertThat(sent.path()).isEqualTo("/reviews/1");
    }

    @Test
    void headerOperationsRunDestinationFirstThenRouteEachRemoveSetAdd() {
        WeightedDestination destination = new WeightedDestination("reviews.bookinfo.svc.cluster.local", "v2", 9080, 100,
                ops(Map.of("x-level", "destination", "x-dest", "d"), Map.of(), List.of()),
                ops(Map.of("x-resp-level", "destination"), Map.of(), List.of()));
        MeshRequest request = request("http://reviews:9080/reviews/1", null,
                ops(Map.of("x-level", "route", "x-old", "set", "x-share", "50%%"), Map.of("x-added", "a", "x-keep", "k2"), List.of("x-old")),
                ops(Map.of("x-resp-level", "route"), Map.of("x-resp-added", "r"), List.of("x-served-by")),
                destination);
        RecordingChain chain = new RecordingChain(null, sent -> reactor.core.publisher.Mono.fromSupplier(() -> {
            MeshResponse response = MeshResponse.text(200, "ok");
            response.headers().set("x-served-by", "reviews-v2");
            return response;
        }));
        MeshResponse response = rewrites.intercept(request, chain).block();
        response.releaseBody().block();

        MeshRequest sent = chain.proceeded.get(0);
        assertThat(sent.headers().getAll("x-level")).as("the route, less specific, wins").containsExactly("route");
        assertThat(sent.headers().get("x-dest")).isEqualTo("d");
        assertThat(sent.headers().getAll("x-old")).as("removed, then set").containsExactly("set");
        assertThat(sent.headers().getAll("x-keep")).containsExactly("k", "k2");
        assertThat(sent.headers().get("x-added")).isEqualTo("a");
        assertThat(sent.headers().get("x-share")).as("%% is Envoy's literal %").isEqualTo("50%");

        assertThat(response.headers().getAll("x-resp-level")).containsExactly("route");
        assertThat(response.headers().get("x-resp-added")).isEqualTo("r");
        assertThat(response.headers().contains("x-served-by")).isFalse();
    }

    @Test
    void settingHostIsAnAuthorityRewriteAndRewriteAuthorityWins() {
        MeshRequest viaHeader = request("http://reviews:9080/", null, ops(Map.of("Host", "reviews.example"), Map.of(), List.of()),
                RoutePolicy.HeaderOperations.NONE, plain());
        RecordingChain chain = RecordingChain.answering200();
        rewrites.intercept(viaHeader, chain).flatMap(MeshResponse::releaseBody).block();
        assertThat(chain.proceeded.get(0).authority()).isEqualTo("reviews.example");

        MeshRequest both = request("http://reviews:9080/", new RoutePolicy.Rewrite("/", null, null, null, "reviews.rewritten"),
                ops(Map.of(":authority", "reviews.example"), Map.of(), List.of()), RoutePolicy.HeaderOperations.NONE, plain());
        RecordingChain second = RecordingChain.answering200();
        rewrites.intercept(both, second).flatMap(MeshResponse::releaseBody).block();
        assertThat(second.proceeded.get(0).authority()).isEqualTo("reviews.rewritten");
    }
}
