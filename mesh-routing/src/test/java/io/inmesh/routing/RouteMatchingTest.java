package io.inmesh.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Istio's HTTPMatchRequest semantics, one condition at a time, and how routes and hosts are chosen. */
class RouteMatchingTest {

    private static final Caller CALLER = Caller.of("shop", Map.of("app", "frontend", "version", "v2"));

    /** A VirtualService for {@code api} in {@code shop} whose first route has {@code match} and whose second catches all. */
    private static RouteTable firstRouteMatching(String match) {
        return Configs.yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: api, namespace: shop}
                spec:
                  hosts: [api]
                  http:
                  - name: matched
                    match:
                %s
                    route:
                    - destination: {host: api-matched}
                  - name: fallback
                    route:
                    - destination: {host: api}
                """.formatted(match.indent(4).stripTrailing()));
    }

    private static String routeOf(RouteTable table, SimpleRouteRequest.Builder request) {
        return routeOf(table, request, CALLER);
    }

    private static String routeOf(RouteTable table, SimpleRouteRequest.Builder request, Caller caller) {
        return table.route(request.build(), caller).routeName();
    }

    private static SimpleRouteRequest.Builder api(String path) {
        return RouteRequest.builder().host("api").path(path);
    }

    @Test
    void uriExactPrefixAndRegex() {
        RouteTable exact = firstRouteMatching("- uri: {exact: /login}");
        assertThat(routeOf(exact, api("/login"))).isEqualTo("matched");
        assertThat(routeOf(exact, api("/login/x"))).isEqualTo("fallback");
        assertThat(routeOf(exact, api("/login?next=/"))).as("the query is not part of the uri").isEqualTo("matched");

        RouteTable prefix = firstRouteMatching("- uri: {prefix: /reviews/}");
        assertThat(routeOf(prefix, api("/reviews/1"))).isEqualTo("matched");
        assertThat(routeOf(prefix, api("/reviews"))).isEqualTo("fallback");

        // Envoy's safe_regex must match the whole path.
        RouteTable regex = firstRouteMatching("- uri: {regex: '/items/[0-9]+'}");
        assertThat(routeOf(regex, api("/items/42"))).isEqualTo("matched");
        assertThat(routeOf(regex, api("/items/42/detail"))).isEqualTo("fallback");
        assertThat(routeOf(regex, api("/v1/items/42"))).isEqualTo("fallback");
    }

    @Test
    void ignoreUriCaseAppliesToExactAndPrefixButNotRegex() {
        RouteTable prefix = firstRouteMatching("- uri: {prefix: /Admin}\n  ignoreUriCase: true");
        assertThat(routeOf(prefix, api("/admin/users"))).isEqualTo("matched");
        RouteTable exact = firstRouteMatching("- uri: {exact: /Admin}\n  ignoreUriCase: true");
        assertThat(routeOf(exact, api("/ADMIN"))).isEqualTo("matched");
        RouteTable caseSensitive = firstRouteMatching("- uri: {exact: /Admin}");
        assertThat(routeOf(caseSensitive, api("/admin"))).isEqualTo("fallback");
        RouteTable regex = firstRouteMatching("- uri: {regex: /Admin}\n  ignoreUriCase: true");
        assertThat(routeOf(regex, api("/admin"))).isEqualTo("fallback");
    }

    @Test
    void methodSchemeAndAuthority() {
        RouteTable method = firstRouteMatching("- method: {exact: POST}");
        assertThat(routeOf(method, api("/").method("POST"))).isEqualTo("matched");
        assertThat(routeOf(method, api("/").method("GET"))).isEqualTo("fallback");

        RouteTable scheme = firstRouteMatching("- scheme: {exact: https}");
        assertThat(routeOf(scheme, api("/").scheme("https"))).isEqualTo("matched");
        assertThat(routeOf(scheme, api("/"))).isEqualTo("fallback");

        RouteTable authority = firstRouteMatching("- authority: {prefix: 'api:'}");
        assertThat(routeOf(authority, RouteRequest.builder().host("api:8080"))).isEqualTo("matched");
        assertThat(routeOf(authority, RouteRequest.builder().host("api"))).isEqualTo("fallback");
    }

    @Test
    void headersMatchByValueOrPresence() {
        RouteTable regex = firstRouteMatching("- headers:\n    cookie: {regex: '^(.*?;)?(user=dev-123)(;.*)?$'}");
        assertThat(routeOf(regex, api("/").header("Cookie", "a=b;user=dev-123"))).isEqualTo("matched");
        assertThat(routeOf(regex, api("/").header("Cookie", "user=dev-456"))).isEqualTo("fallback");

        RouteTable presence = firstRouteMatching("- headers:\n    x-debug: {}");
        assertThat(routeOf(presence, api("/").header("X-Debug", ""))).isEqualTo("matched");
        assertThat(routeOf(presence, api("/"))).isEqualTo("fallback");

        // Several values of one header are matched joined with ',', as Envoy does.
        RouteTable joined = firstRouteMatching("- headers:\n    x-tag: {exact: 'a,b'}");
        assertThat(routeOf(joined, api("/").header("x-tag", "a").header("x-tag", "b"))).isEqualTo("matched");
    }

    @Test
    void withoutHeadersInvertsTheMatchAndAcceptsAnAbsentHeader() {
        RouteTable table = firstRouteMatching("- withoutHeaders:\n    end-user: {exact: jason}");
        assertThat(routeOf(table, api("/"))).isEqualTo("matched");
        assertThat(routeOf(table, api("/").header("end-user", "mary"))).isEqualTo("matched");
        assertThat(routeOf(table, api("/").header("end-user", "jason"))).isEqualTo("fallback");

        RouteTable absent = firstRouteMatching("- withoutHeaders:\n    x-canary: {}");
        assertThat(routeOf(absent, api("/"))).isEqualTo("matched");
        assertThat(routeOf(absent, api("/").header("x-canary", "1"))).isEqualTo("fallback");

        // Istio treats a missing header as empty for value matchers: `exact: ""` also excludes it.
        RouteTable empty = firstRouteMatching("- withoutHeaders:\n    x-tenant: {exact: ''}");
        assertThat(routeOf(empty, api("/"))).isEqualTo("fallback");
        assertThat(routeOf(empty, api("/").header("x-tenant", "acme"))).isEqualTo("matched");
    }

    @Test
    void regexStarInWithoutHeadersMeansAbsence() {
        // Istio accepts `regex: "*"` only under withoutHeaders, where it asks that the header be absent.
        RouteTable table = firstRouteMatching("- withoutHeaders:\n    x-debug: {regex: '*'}");
        assertThat(routeOf(table, api("/"))).isEqualTo("matched");
        assertThat(routeOf(table, api("/").header("x-debug", "anything"))).isEqualTo("fallback");
    }

    @Test
    void aMatchThatNamesGatewaysIgnoresSourceLabelsAndNamespace() {
        // Istio checks such a match against the gateway only.
        RouteTable table = firstRouteMatching("- gateways: [mesh]\n  sourceLabels: {app: nobody}\n  sourceNamespace: nowhere");
        assertThat(routeOf(table, api("/"))).isEqualTo("matched");
        assertThat(routeOf(table, api("/"), new Caller("shop", Map.of(), "shop/edge"))).isNull();
    }

    @Test
    void amongSeveralDestinationsOnesWithoutWeightAreDropped() {
        RouteTable table = Configs.yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: api, namespace: shop}
                spec:
                  hosts: [api]
                  http:
                  - route:
                    - {destination: {host: api, subset: a}, weight: 2}
                    - {destination: {host: api, subset: b}}
                    - {destination: {host: api, subset: c}, weight: 1}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: api, namespace: shop}
                spec:
                  host: api
                  subsets:
                  - {name: a, labels: {track: a}}
                  - {name: b, labels: {track: b}}
                  - {name: c, labels: {track: c}}
                """);
        assertThat(table.route(api("/").build(), CALLER).destinations())
                .extracting(WeightedDestination::subset, WeightedDestination::weight)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 2), org.assertj.core.groups.Tuple.tuple("c", 1));
    }

    @Test
    void queryParametersMatchExactPrefixRegexAndPresence() {
        RouteTable exact = firstRouteMatching("- queryParams:\n    version: {exact: v2}");
        assertThat(routeOf(exact, api("/?version=v2"))).isEqualTo("matched");
        assertThat(routeOf(exact, api("/?version=v20"))).isEqualTo("fallback");
        assertThat(routeOf(exact, api("/"))).isEqualTo("fallback");

        RouteTable regex = firstRouteMatching("- queryParams:\n    id: {regex: '[0-9]{3}'}");
        assertThat(routeOf(regex, api("/?id=123"))).isEqualTo("matched");
        assertThat(routeOf(regex, api("/?id=1234"))).isEqualTo("fallback");

        RouteTable presence = firstRouteMatching("- queryParams:\n    debug: {}");
        assertThat(routeOf(presence, api("/?debug"))).isEqualTo("matched");
        assertThat(routeOf(presence, api("/?other=1"))).isEqualTo("fallback");
    }

    @Test
    void portSourceLabelsAndSourceNamespaceLookAtTheCaller() {
        RouteTable port = firstRouteMatching("- port: 8080");
        assertThat(routeOf(port, RouteRequest.builder().host("api:8080"))).isEqualTo("matched");
        assertThat(routeOf(port, RouteRequest.builder().host("api"))).isEqualTo("fallback");

        RouteTable labels = firstRouteMatching("- sourceLabels: {app: frontend, version: v2}");
        assertThat(routeOf(labels, api("/"))).isEqualTo("matched");
        assertThat(routeOf(labels, api("/"), Caller.of("shop", Map.of("app", "frontend", "version", "v1")))).isEqualTo("fallback");
        assertThat(routeOf(labels, api("/"), Caller.of("shop", Map.of("app", "frontend")))).isEqualTo("fallback");

        RouteTable namespace = firstRouteMatching("- sourceNamespace: shop");
        assertThat(routeOf(namespace, api("/"))).isEqualTo("matched");
        assertThat(routeOf(namespace, RouteRequest.builder().host("api.shop"), Caller.of("billing", Map.of()))).isEqualTo("fallback");
    }

    @Test
    void conditionsInOneEntryAreAndedAndEntriesAreOred() {
        RouteTable table = firstRouteMatching("""
                - uri: {prefix: /a}
                  method: {exact: POST}
                - headers:
                    x-force: {exact: 'yes'}""");
        assertThat(routeOf(table, api("/a").method("POST"))).isEqualTo("matched");
        assertThat(routeOf(table, api("/a").method("GET"))).isEqualTo("fallback");
        assertThat(routeOf(table, api("/b").method("GET").header("x-force", "yes"))).isEqualTo("matched");
    }

    @Test
    void aVirtualServiceWhoseRoutesAllMissGivesNoRoute() {
        RouteTable table = Configs.yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: api, namespace: shop}
                spec:
                  hosts: [api]
                  http:
                  - match: [{uri: {prefix: /v1}}]
                    route: [{destination: {host: api}}]
                """);
        RouteDecision decision = table.route(api("/v2").build(), CALLER);
        assertThat(decision.outcome()).isEqualTo(RouteDecision.Outcome.NO_ROUTE);
        assertThat(decision.virtualService()).isEqualTo("shop/api");
        assertThat(decision.destinations()).isEmpty();
    }

    @Test
    void exactHostBeatsWildcardAndLongerWildcardBeatsShorter() {
        RouteTable table = Configs.yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: any, namespace: shop}
                spec:
                  hosts: ['*.example.com']
                  http: [{route: [{destination: {host: any.example.com}}]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: eu, namespace: shop}
                spec:
                  hosts: ['*.eu.example.com']
                  http: [{route: [{destination: {host: eu.example.com}}]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: paris, namespace: shop}
                spec:
                  hosts: [paris.eu.example.com]
                  http: [{route: [{destination: {host: paris.example.com}}]}]
                """);
        assertThat(table.route(RouteRequest.builder().host("paris.eu.example.com").build(), CALLER).virtualService()).isEqualTo("shop/paris");
        assertThat(table.route(RouteRequest.builder().host("lyon.eu.example.com").build(), CALLER).virtualService()).isEqualTo("shop/eu");
        assertThat(table.route(RouteRequest.builder().host("www.example.com").build(), CALLER).virtualService()).isEqualTo("shop/any");
        assertThat(table.route(RouteRequest.builder().host("example.com").build(), CALLER).outcome())
                .isEqualTo(RouteDecision.Outcome.DEFAULT_ROUTE);
    }

    @Test
    void exportToAndGatewaysDecideWhetherAVirtualServiceApplies() {
        RouteTable table = Configs.yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: private, namespace: shop}
                spec:
                  hosts: [api.shop.svc.cluster.local]
                  exportTo: ['.']
                  http: [{route: [{destination: {host: api, subset: private}}]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: edge, namespace: shop}
                spec:
                  hosts: [api.shop.svc.cluster.local]
                  gateways: [edge-gateway]
                  http: [{route: [{destination: {host: api, subset: edge}}]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: api, namespace: shop}
                spec:
                  host: api
                  subsets:
                  - {name: private, labels: {tier: private}}
                  - {name: edge, labels: {tier: edge}}
                """);
        SimpleRouteRequest request = RouteRequest.builder().host("api.shop").build();
        assertThat(table.route(request, CALLER).virtualService()).isEqualTo("shop/private");
        assertThat(table.route(request, Caller.of("billing", Map.of())).outcome()).isEqualTo(RouteDecision.Outcome.DEFAULT_ROUTE);
        assertThat(table.route(request, new Caller("shop", Map.of(), "shop/edge-gateway")).virtualService()).isEqualTo("shop/edge");
    }

    @Test
    void singleDestinationPortIsTakenFromItsServiceEntry() {
        RouteTable table = Configs.yaml("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: payments, namespace: shop}
                spec:
                  hosts: [payments.example.com]
                  ports: [{number: 8443, name: http, protocol: HTTP}]
                  resolution: DNS
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: api, namespace: shop}
                spec:
                  hosts: [api]
                  http:
                  - route:
                    - {destination: {host: payments.example.com}, weight: 70}
                    - {destination: {host: api, port: {number: 9090}}, weight: 30}
                """);
        assertThat(table.route(api("/").build(), CALLER).destinations()).containsExactly(
                new WeightedDestination("payments.example.com", null, 8443, 70),
                new WeightedDestination("api.shop.svc.cluster.local", null, 9090, 30));
    }
}
