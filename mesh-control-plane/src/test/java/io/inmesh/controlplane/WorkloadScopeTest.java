package io.inmesh.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.Resource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadScopeTest {

    private static final LocalWorkload PRODUCTPAGE_IN_BOOKINFO =
            LocalWorkload.of("productpage-v1", "bookinfo", Map.of("app", "productpage", "version", "v1"));
    private static final LocalWorkload SHOP_IN_SHOP = LocalWorkload.of("shop-v1", "shop", Map.of("app", "shop"));
    private static final LocalWorkload BILLING_IN_OTHER = LocalWorkload.of("billing-v1", "other", Map.of("app", "billing"));

    // --- exportTo

    @Test
    void exportToDecidesWhichNamespacesSeeVirtualServicesDestinationRulesAndServiceEntries() {
        MeshConfig config = load(
                vs("bookinfo", "everywhere", "reviews", null),
                vs("bookinfo", "explicit-star", "ratings", "[\"*\"]"),
                vs("bookinfo", "own", "details", "[\".\"]"),
                vs("bookinfo", "to-shop", "productpage", "[shop]"),
                dr("bookinfo", "own-dr", "reviews", "[\".\"]", null),
                se("bookinfo", "hidden", "api.example.com", "[\"~\"]"),
                se("bookinfo", "to-shop-and-own", "db.example.com", "[shop, \".\"]"));

        assertThat(included(config, PRODUCTPAGE_IN_BOOKINFO)).containsExactly(
                "VirtualService/bookinfo/everywhere", "VirtualService/bookinfo/explicit-star", "VirtualService/bookinfo/own",
                "DestinationRule/bookinfo/own-dr", "ServiceEntry/bookinfo/to-shop-and-own");
        assertThat(included(config, SHOP_IN_SHOP)).containsExactly(
                "VirtualService/bookinfo/everywhere", "VirtualService/bookinfo/explicit-star", "VirtualService/bookinfo/to-shop",
                "ServiceEntry/bookinfo/to-shop-and-own");
        assertThat(included(config, BILLING_IN_OTHER)).containsExactly(
                "VirtualService/bookinfo/everywhere", "VirtualService/bookinfo/explicit-star");
    }

    @Test
    void aDestinationRuleWithAWorkloadSelectorConcernsOnlyTheWorkloadsItSelectsInItsNamespace() {
        MeshConfig config = load(
                dr("bookinfo", "for-productpage", "reviews", null, "{matchLabels: {app: productpage}}"),
                dr("bookinfo", "for-ratings", "ratings", null, "{matchLabels: {app: ratings}}"),
                dr("shop", "for-productpage-in-shop", "reviews.bookinfo.svc.cluster.local", null, "{matchLabels: {app: productpage}}"));

        assertThat(included(config, PRODUCTPAGE_IN_BOOKINFO)).containsExactly("DestinationRule/bookinfo/for-productpage");
    }

    // --- Sidecar

    @Test
    void theNamespaceSidecarsEgressHostsFilterVirtualServicesAndServiceEntries() {
        MeshConfig config = load(
                sidecar("shop", "default", null, "[\"./*\", \"bookinfo/reviews.bookinfo.svc.cluster.local\", \"*/*.example.com\"]"),
                vs("shop", "local", "cart", null),
                vs("bookinfo", "reviews", "reviews", null),
                vs("bookinfo", "ratings", "ratings", null),
                vs("other", "billing", "billing", null),
                se("other", "api", "api.example.com", null),
                se("other", "db", "db.internal", null),
                dr("bookinfo", "ratings-dr", "ratings", null, null));

        assertThat(included(config, SHOP_IN_SHOP)).containsExactly(
                "Sidecar/shop/default", "VirtualService/shop/local", "VirtualService/bookinfo/reviews",
                "ServiceEntry/other/api", "DestinationRule/bookinfo/ratings-dr");
        // The Sidecar of shop does not concern workloads of other namespaces.
        assertThat(included(config, BILLING_IN_OTHER)).containsExactly(
                "VirtualService/shop/local", "VirtualService/bookinfo/reviews", "VirtualService/bookinfo/ratings",
                "VirtualService/other/billing", "ServiceEntry/other/api", "ServiceEntry/other/db",
                "DestinationRule/bookinfo/ratings-dr");
    }

    @Test
    void aSidecarThatSelectsTheWorkloadWinsOverTheNamespaceDefaultAndTheRootNamespaceOne() {
        MeshConfig config = load(
                sidecar("istio-system", "mesh-default", null, "[\"./*\", \"istio-system/*\"]"),
                sidecar("bookinfo", "default", null, "[\"./*\"]"),
                sidecar("bookinfo", "productpage", "{labels: {app: productpage}}", "[\"shop/*\"]"),
                vs("bookinfo", "reviews", "reviews", null),
                vs("shop", "cart", "cart", null),
                vs("other", "billing", "billing", null));

        // productpage: its own Sidecar imports shop only.
        assertThat(included(config, PRODUCTPAGE_IN_BOOKINFO)).containsExactly(
                "Sidecar/istio-system/mesh-default", "Sidecar/bookinfo/default", "Sidecar/bookinfo/productpage",
                "VirtualService/shop/cart");
        // Another workload of bookinfo: the namespace default imports bookinfo only.
        LocalWorkload reviews = LocalWorkload.of("reviews-v1", "bookinfo", Map.of("app", "reviews"));
        assertThat(included(config, reviews)).containsExactly(
                "Sidecar/istio-system/mesh-default", "Sidecar/bookinfo/default", "Sidecar/bookinfo/productpage",
                "VirtualService/bookinfo/reviews");
        // A namespace without Sidecar: the root namespace's, whose "." is the workload's own namespace.
        assertThat(included(config, BILLING_IN_OTHER)).containsExactly(
                "Sidecar/istio-system/mesh-default", "VirtualService/other/billing");
    }

    @Test
    void aSidecarWithoutEgressListenersRestrictsNothing() {
        MeshConfig config = load(
                "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default, namespace: shop}\n"
                        + "spec: {outboundTrafficPolicy: {mode: REGISTRY_ONLY}}\n",
                vs("bookinfo", "reviews", "reviews", null));

        assertThat(included(config, SHOP_IN_SHOP)).containsExactly("Sidecar/shop/default", "VirtualService/bookinfo/reviews");
    }

    // --- the other kinds

    @Test
    void serverSidePoliciesConcernTheWorkloadsTheySelectAndTheRootNamespacesConcernAll() {
        MeshConfig config = load(
                authz("istio-system", "mesh-wide", null),
                authz("bookinfo", "namespace-wide", null),
                authz("bookinfo", "for-productpage", "{matchLabels: {app: productpage}}"),
                authz("bookinfo", "for-reviews", "{matchLabels: {app: reviews}}"),
                authz("shop", "elsewhere", null),
                RuleFiles.peerAuthentication("shop"));

        assertThat(included(config, PRODUCTPAGE_IN_BOOKINFO)).containsExactly(
                "AuthorizationPolicy/istio-system/mesh-wide", "AuthorizationPolicy/bookinfo/namespace-wide",
                "AuthorizationPolicy/bookinfo/for-productpage", "PeerAuthentication/shop/default");
    }

    @Test
    void gatewaysConcernTheWorkloadsTheirSelectorSelects() {
        MeshConfig config = load(
                "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: ingress, namespace: istio-system}\n"
                        + "spec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 80, name: http, protocol: HTTP}\n"
                        + "    hosts: [\"*\"]\n");
        LocalWorkload gateway = LocalWorkload.of("ingress", "istio-system", Map.of("istio", "ingressgateway"));

        assertThat(included(config, gateway)).containsExactly("Gateway/istio-system/ingress");
        assertThat(included(config, PRODUCTPAGE_IN_BOOKINFO)).isEmpty();
    }

    @Test
    void aDelegateVirtualServiceWithoutHostsIsNotFilteredBySidecars() {
        MeshConfig config = load(
                sidecar("shop", "default", null, "[\"./*\"]"),
                "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: delegate, namespace: bookinfo}\n"
                        + "spec:\n  http:\n  - route:\n    - destination: {host: reviews}\n");

        assertThat(included(config, SHOP_IN_SHOP)).containsExactly("Sidecar/shop/default", "VirtualService/bookinfo/delegate");
    }

    @Test
    void selectKeepsTheVersionAndHashAndOnlyTheDocumentsInScope() {
        MeshConfig config = load(vs("bookinfo", "own", "details", "[\".\"]"), vs("bookinfo", "all", "reviews", null));
        List<RuleDocument> documents = List.of(
                new RuleDocument("a.yaml", 1, vs("bookinfo", "own", "details", "[\".\"]"), "VirtualService/bookinfo/own"),
                new RuleDocument("a.yaml", 14, "---\n# nothing\n", null),
                new RuleDocument("b/c.yaml", 1, vs("bookinfo", "all", "reviews", null), "VirtualService/bookinfo/all"));
        PublishedRules rules = new PublishedRules(7, PublishedRules.hashOf(documents), java.time.Instant.EPOCH, documents, config);

        ScopedRules scoped = WorkloadScope.select(rules, SHOP_IN_SHOP);

        assertThat(scoped.version()).isEqualTo(7);
        assertThat(scoped.hash()).isEqualTo(rules.hash());
        assertThat(scoped.publishedAt()).isEqualTo(java.time.Instant.EPOCH);
        assertThat(scoped.workload()).isEqualTo(SHOP_IN_SHOP);
        assertThat(scoped.documents()).containsExactly(documents.get(2));
        assertThat(WorkloadScope.select(rules, PRODUCTPAGE_IN_BOOKINFO).documents()).containsExactly(documents.get(0), documents.get(2));
    }

    // --- helpers

    private static List<String> included(MeshConfig config, LocalWorkload workload) {
        WorkloadScope scope = WorkloadScope.of(config, workload);
        return config.resources().stream().filter(scope::includes).map(Resource::key).toList();
    }

    private static MeshConfig load(String... documents) {
        MeshConfig.LoadResult result = MeshConfig.load("test.yaml", String.join("---\n", documents));
        assertThat(result.diagnostics()).filteredOn(d -> d.isError()).isEmpty();
        return result.config();
    }

    private static String vs(String namespace, String name, String host, String exportTo) {
        return "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: " + name + ", namespace: " + namespace + "}\n"
                + "spec:\n  hosts: [" + host + "]\n" + (exportTo == null ? "" : "  exportTo: " + exportTo + "\n")
                + "  http:\n  - route:\n    - destination: {host: " + host + "}\n";
    }

    private static String dr(String namespace, String name, String host, String exportTo, String selector) {
        return "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: " + name + ", namespace: " + namespace + "}\n"
                + "spec:\n  host: " + host + "\n" + (exportTo == null ? "" : "  exportTo: " + exportTo + "\n")
                + (selector == null ? "" : "  workloadSelector: " + selector + "\n")
                + "  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}\n";
    }

    private static String se(String namespace, String name, String host, String exportTo) {
        return "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: " + name + ", namespace: " + namespace + "}\n"
                + "spec:\n  hosts: [" + host + "]\n" + (exportTo == null ? "" : "  exportTo: " + exportTo + "\n")
                + "  location: MESH_EXTERNAL\n  resolution: DNS\n  ports: [{number: 443, name: https, protocol: TLS}]\n";
    }

    private static String sidecar(String namespace, String name, String selector, String hosts) {
        return "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: " + name + ", namespace: " + namespace + "}\n"
                + "spec:\n" + (selector == null ? "" : "  workloadSelector: " + selector + "\n")
                + "  egress:\n  - hosts: " + hosts + "\n";
    }

    private static String authz(String namespace, String name, String selector) {
        return "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: " + name + ", namespace: " + namespace + "}\n"
                + "spec:\n" + (selector == null ? "" : "  selector: " + selector + "\n")
                + "  action: ALLOW\n  rules:\n  - from:\n    - source: {namespaces: [bookinfo]}\n";
    }
}
