package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.Mesh;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * URI and authority rewrites, header operations, redirects and direct responses over real sockets:
 * the upstream sees the rewritten path, authority and request headers; the caller sees the response
 * header operations, as Envoy applies them (destination level first, the route's winning).
 */
@ExtendWith(BlockHoundExtension.class)
class RewriteAndHeadersIT {

    private static final String VIRTUAL_SERVICE = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              hosts:
              - reviews
              http:
              - name: api
                match:
                - uri:
                    prefix: /api/v1/
                rewrite:
                  uri: /reviews/
                  authority: reviews.internal
                headers:
                  request:
                    set:
                      x-level: route
                    add:
                      x-added: route
                    remove:
                    - x-secret
                  response:
                    set:
                      x-response-level: route
                    remove:
                    - x-served-by
                route:
                - destination:
                    host: reviews
                    subset: v1
                  headers:
                    request:
                      set:
                        x-level: destination
                        x-destination: v1
                    response:
                      set:
                        x-response-level: destination
                      add:
                        x-destination-response: v1
              - name: regex
                match:
                - uri:
                    prefix: /service/
                rewrite:
                  uriRegexRewrite:
                    match: ^/service/([^/]+)(/.*)$
                    rewrite: \\2/instance/\\1
                route:
                - destination:
                    host: reviews
                    subset: v1
              - name: exact
                match:
                - uri:
                    exact: /signin
                rewrite:
                  uri: /login
                route:
                - destination:
                    host: reviews
                    subset: v1
              - name: host-header
                match:
                - uri:
                    prefix: /host/
                headers:
                  request:
                    set:
                      host: reviews.example
                route:
                - destination:
                    host: reviews
                    subset: v1
              - name: moved
                match:
                - uri:
                    prefix: /old/
                redirect:
                  uri: /new/place
                  redirectCode: 302
                headers:
                  response:
                    set:
                      x-redirected: "yes"
              - name: secure
                match:
                - uri:
                    prefix: /secure/
                redirect:
                  scheme: https
                  port: 8443
              - name: elsewhere
                match:
                - uri:
                    prefix: /elsewhere/
                redirect:
                  authority: reviews.example
                  derivePort: FROM_REQUEST_PORT
              - name: teapot
                match:
                - uri:
                    prefix: /teapot
                directResponse:
                  status: 418
                  body:
                    string: short and stout
              - name: default
                route:
                - destination:
                    host: reviews
                    subset: v1
            """;

    private static UpstreamWorkload v1;
    private static Mesh productpage;

    @BeforeAll
    static void start() {
        v1 = UpstreamWorkload.start("reviews-v1", "reviews", "v1");
        TestConfigSource source = new TestConfigSource().push(Yaml.serviceEntry("reviews"), v1.workloadEntry(),
                Yaml.reviewsSubsets(), VIRTUAL_SERVICE);
        productpage = Meshes.productpage(source);
    }

    @AfterAll
    static void stop() {
        productpage.close();
        v1.close();
    }

    private static MeshResponse get(String url) {
        return productpage.client().get(url).header("x-secret", "s3cr3t").header("x-level", "caller").exchange().block(Meshes.WAIT);
    }

    private static UpstreamWorkload.Seen lastSeen() {
        var seen = v1.seen();
        return seen.get(seen.size() - 1);
    }

    @Test
    void prefixRewriteAuthorityAndHeaderOperationsReachTheUpstream() {
        MeshResponse response = get("http://reviews:9080/api/v1/1?lang=en");
        assertThat(response.bodyAsString().block(Meshes.WAIT)).isEqualTo("reviews-v1");

        UpstreamWorkload.Seen seen = lastSeen();
        assertThat(seen.pathAndQuery()).isEqualTo("/reviews/1?lang=en");
        assertThat(seen.authority()).isEqualTo("reviews.internal");
        assertThat(seen.headers().getAll("x-level")).as("the route's set wins over the destination's and the caller's").containsExactly("route");
        assertThat(seen.headers().get("x-destination")).isEqualTo("v1");
        assertThat(seen.headers().get("x-added")).isEqualTo("route");
        assertThat(seen.headers().contains("x-secret")).isFalse();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().getAll("x-response-level")).containsExactly("route");
        assertThat(response.headers().get("x-destination-response")).isEqualTo("v1");
        assertThat(response.headers().contains("x-served-by")).as("removed by the route").isFalse();
    }

    @Test
    void regexRewriteReplacesWithGroups() {
        get("http://reviews:9080/service/foo/v1/api?q=1").releaseBody().block(Meshes.WAIT);
        assertThat(lastSeen().pathAndQuery()).isEqualTo("/v1/api/instance/foo?q=1");
        assertThat(lastSeen().authority()).isEqualTo("reviews:9080");
    }

    @Test
    void anExactMatchHasItsWholePathReplaced() {
        get("http://reviews:9080/signin?next=/home").releaseBody().block(Meshes.WAIT);
        assertThat(lastSeen().pathAndQuery()).isEqualTo("/login?next=/home");
    }

    @Test
    void settingTheHostHeaderRewritesTheAuthority() {
        get("http://reviews:9080/host/1").releaseBody().block(Meshes.WAIT);
        assertThat(lastSeen().authority()).isEqualTo("reviews.example");
        assertThat(lastSeen().pathAndQuery()).isEqualTo("/host/1");
    }

    @Test
    void aRouteWithoutRewriteForwardsAsCalled() {
        MeshResponse response = get("http://reviews:9080/reviews/7");
        response.releaseBody().block(Meshes.WAIT);
        assertThat(lastSeen().pathAndQuery()).isEqualTo("/reviews/7");
        assertThat(lastSeen().authority()).isEqualTo("reviews:9080");
        assertThat(lastSeen().headers().getAll("x-level")).containsExactly("caller");
        assertThat(response.headers().get("x-served-by")).isEqualTo("reviews-v1");
    }

    @Test
    void aRedirectKeepsTheQueryAndCarriesTheRouteResponseHeaders() {
        int before = v1.requests();
        MeshResponse response = get("http://reviews:9080/old/x?page=2");
        response.releaseBody().block(Meshes.WAIT);
        assertThat(response.status()).isEqualTo(302);
        assertThat(response.headers().get("location")).isEqualTo("http://reviews:9080/new/place?page=2");
        assertThat(response.headers().get("x-redirected")).isEqualTo("yes");
        assertThat(v1.requests()).isEqualTo(before);
    }

    @Test
    void redirectsReplaceSchemePortAndAuthorityAsEnvoyDoes() {
        MeshResponse secure = get("http://reviews:9080/secure/a?b=c");
        secure.releaseBody().block(Meshes.WAIT);
        assertThat(secure.status()).as("301 when redirectCode is unset").isEqualTo(301);
        assertThat(secure.headers().get("location")).isEqualTo("https://reviews:8443/secure/a?b=c");

        MeshResponse elsewhere = get("http://reviews:9080/elsewhere/x");
        elsewhere.releaseBody().block(Meshes.WAIT);
        assertThat(elsewhere.headers().get("location")).isEqualTo("http://reviews.example:9080/elsewhere/x");
    }

    @Test
    void aDirectResponseAnswersLocally() {
        MeshResponse response = get("http://reviews:9080/teapot");
        assertThat(response.status()).isEqualTo(418);
        assertThat(response.headers().get("content-type")).isEqualTo("text/plain");
        assertThat(response.bodyAsString().block(Meshes.WAIT)).isEqualTo("short and stout");
    }
}
