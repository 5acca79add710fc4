package io.inmesh.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

class MeshRequestTest {

    private static final AttributeKey<String> ROUTE = AttributeKey.of("test.route", String.class);

    private final MeshRequest request = MeshRequest.builder(HttpMethod.GET, "http://reviews:9080/reviews/1?x=y")
            .header("end-user", "jason")
            .header("host", "ignored:1")
            .build();

    @Test
    void withAttributeKeepsEverythingElse() {
        MeshRequest routed = request.withAttribute(ROUTE, "v2");

        assertThat(routed.attribute(ROUTE)).isEqualTo("v2");
        assertThat(request.attribute(ROUTE)).isNull();
        assertThat(routed.authority()).isEqualTo("reviews:9080");
        assertThat(routed.host()).isEqualTo("reviews");
        assertThat(routed.port()).isEqualTo(9080);
        assertThat(routed.pathAndQuery()).isEqualTo("/reviews/1?x=y");
        assertThat(routed.headers().get("end-user")).isEqualTo("jason");
        assertThat(routed.headers().contains("host")).isFalse();
        assertThat(routed.body()).isSameAs(request.body());
        assertThat(routed.withAttribute(ROUTE, null).attribute(ROUTE)).isNull();
    }

    @Test
    void aBuilderFromARequestChangesItsOwnCopyOfTheHeaders() {
        MeshRequest.Builder builder = request.toBuilder();
        MeshRequest changed = builder.setHeader("end-user", "alice").header("x-added", "1").removeHeader("end-user").build();

        assertThat(changed.headers().contains("end-user")).isFalse();
        assertThat(changed.headers().get("x-added")).isEqualTo("1");
        assertThat(request.headers().get("end-user")).isEqualTo("jason");
        assertThat(request.headers().contains("x-added")).isFalse();
    }

    @Test
    void aBuilderUsedAgainAfterBuildDoesNotChangeWhatItBuilt() {
        MeshRequest.Builder builder = MeshRequest.builder(HttpMethod.GET, "http://reviews:9080/").header("a", "1");
        MeshRequest first = builder.build();
        MeshRequest second = builder.header("b", "2").build();

        assertThat(first.headers().contains("b")).isFalse();
        assertThat(second.headers().get("a")).isEqualTo("1");
        assertThat(second.headers().get("b")).isEqualTo("2");
    }
}
