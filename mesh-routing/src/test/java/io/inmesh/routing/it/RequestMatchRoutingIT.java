package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.Mesh;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A VirtualService's match conditions decide, over real sockets, which version of reviews answers:
 * header, uri, query parameter, method and the caller's labels ({@code sourceLabels}), each with a
 * request that narrowly misses and so takes the default route to v1.
 */
@ExtendWith(BlockHoundExtension.class)
class RequestMatchRoutingIT {

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
              - name: jason
                match:
                - headers:
                    end-user:
                      exact: jason
                route:
                - destination:
                    host: reviews
                    subset: v2
              - name: v3-api
                match:
                - uri:
                    prefix: /v3/
                route:
                - destination:
                    host: reviews
                    subset: v3
              - name: asked-for-v2
                match:
                - queryParams:
                    version:
                      exact: v2
                route:
                - destination:
                    host: reviews
                    subset: v2
              - name: deletes
                match:
                - method:
                    exact: DELETE
                route:
                - destination:
                    host: reviews
                    subset: v3
              - name: canary-callers
                match:
                - sourceLabels:
                    app: productpage
                    version: v2
                route:
                - destination:
                    host: reviews
                    subset: v2
              - name: default
                route:
                - destination:
                    host: reviews
                    subset: v1
            """;

    private static UpstreamWorkload v1;
    private static UpstreamWorkload v2;
    private static UpstreamWorkload v3;
    private static Mesh productpageV1;
    private static Mesh productpageV2;

    @BeforeAll
    static void start() {
        v1 = UpstreamWorkload.start("reviews-v1", "reviews", "v1");
        v2 = UpstreamWorkload.start("reviews-v2", "reviews", "v2");
        v3 = UpstreamWorkload.start("reviews-v3", "reviews", "v3");
        TestConfigSource source = new TestConfigSource().push(Yaml.serviceEntry("reviews"),
                v1.workloadEntry(), v2.workloadEntry(), v3.workloadEntry(), Yaml.reviewsSubsets(), VIRTUAL_SERVICE);
        productpageV1 = Meshes.client(source, "productpage-v1", Map.of("app", "productpage", "version", "v1"));
        productpageV2 = Meshes.client(source, "productpage-v2", Map.of("app", "productpage", "version", "v2"));
    }

    @AfterAll
    static void stop() {
        productpageV1.close();
        productpageV2.close();
        v1.close();
        v2.close();
        v3.close();
    }

    private static String call(Mesh mesh, HttpMethod method, String url, String header, String value) {
        var request = mesh.client().method(method, url);
        if (header != null) {
            request.header(header, value);
        }
        return request.retrieve().block(Meshes.WAIT);
    }

    @Test
    void headerMatch() {
        assertThat(call(productpageV1, HttpMethod.GET, "http://reviews:9080/reviews/1", "end-user", "jason")).isEqualTo("reviews-v2");
        assertThat(call(productpageV1, HttpMethod.GET, "http://reviews:9080/reviews/1", "end-user", "jason2")).isEqualTo("reviews-v1");
        assertThat(call(productpageV1, HttpMethod.GET, "http://reviews:9080/reviews/1", null, null)).isEqualTo("reviews-v1");
    }

    @Test
    void uriPrefixMatch() {
        assertThat(call(productpageV1, HttpMethod.GET, "http://reviews:9080/v3/reviews/1", null, null)).isEqualTo("reviews-v3");
        // A prefix match is anchored at the start of the path.
        assertThat(call(productpageV1, HttpMethod.GET, "http://reviews:9080/reviews/v3/1", null, null)).isEqualTo("reviews-v1");
        // The upstream receives the path as called.
        assertThat(v3.seen()).extracting(UpstreamWorkload.Seen::pathAndQuery).contains("/v3/reviews/1");
    }

    @Test
    void queryParameterMatch() {
        assertThat(call(productpageV1, HttpMethod.GET, "http://reviews:9080/reviews/7?page=2&version=v2", null, null)).isEqualTo("reviews-v2");
        assertThat(call(productpageV1, HttpMethod.GET, "http://reviews:9080/reviews/7?version=v22", null, null)).isEqualTo("reviews-v1");
        assertThat(v2.seen()).extracting(UpstreamWorkload.Seen::pathAndQuery).contains("/reviews/7?page=2&version=v2");
    }

    @Test
    void methodMatch() {
        assertThat(call(productpageV1, HttpMethod.DELETE, "http://reviews:9080/reviews/1", null, null)).isEqualTo("reviews-v3");
        assertThat(call(productpageV1, HttpMethod.GET, "http://reviews:9080/reviews/1", null, null)).isEqualTo("reviews-v1");
        assertThat(v3.seen()).extracting(UpstreamWorkload.Seen::method).contains("DELETE");
    }

    @Test
    void sourceLabelsMatchTheCallingWorkload() {
        // The same request, from two workloads: only the one labelled version v2 is a canary caller.
        assertThat(call(productpageV2, HttpMethod.GET, "http://reviews:9080/reviews/1", null, null)).isEqualTo("reviews-v2");
        assertThat(call(productpageV1, HttpMethod.GET, "http://reviews:9080/reviews/1", null, null)).isEqualTo("reviews-v1");
    }
}
