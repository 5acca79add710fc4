package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.http.PeerIdentity;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.netty.http.client.HttpClient;

/**
 * What the upstream sees of a call through the mesh: the {@code Host} the application called
 * ({@code reviews:9080}), not the endpoint's address, as a sidecar keeps it; and the caller's
 * identity (workload, namespace, labels, service account) as the request's {@link PeerIdentity}
 * attribute, declared rather than proven while there is no mTLS.
 */
@ExtendWith(BlockHoundExtension.class)
class HostAndIdentityIT {

    private static UpstreamWorkload reviews;
    private static Mesh productpage;

    @BeforeAll
    static void start() {
        reviews = UpstreamWorkload.start("reviews-v1", "reviews", "v1");
        TestConfigSource source = new TestConfigSource().push(Yaml.serviceEntry("reviews"), reviews.workloadEntry());
        productpage = Mesh.builder()
                .workload(new LocalWorkload("productpage-v1", "bookinfo", Map.of("app", "productpage", "version", "v1"), "bookinfo-productpage"))
                .configSource(source)
                .build();
        productpage.ready().block(Meshes.WAIT);
    }

    @AfterAll
    static void stop() {
        productpage.close();
        reviews.close();
    }

    private static UpstreamWorkload.Seen call(String url) {
        int before = reviews.seen().size();
        assertThat(Meshes.get(productpage, url)).isEqualTo("reviews-v1");
        return reviews.seen().get(before);
    }

    @Test
    void theUpstreamSeesTheAuthorityTheApplicationCalled() {
        UpstreamWorkload.Seen seen = call("http://reviews:9080/reviews/1?rating=5");

        assertThat(seen.authority()).isEqualTo("reviews:9080").isNotEqualTo("127.0.0.1:" + reviews.port());
        assertThat(seen.pathAndQuery()).isEqualTo("/reviews/1?rating=5");
    }

    @Test
    void theApplicationsHeadersReachTheUpstreamBesideTheMeshsOwn() {
        int before = reviews.seen().size();
        assertThat(productpage.client().get("http://reviews:9080/reviews/4")
                .header("end-user", "jason")
                .header("x-request-id", "0f3c")
                .header("x-tag", "a")
                .header("x-tag", "b")
                .retrieve().block(Meshes.WAIT)).isEqualTo("reviews-v1");

        UpstreamWorkload.Seen seen = reviews.seen().get(before);
        assertThat(seen.headers().get("end-user")).isEqualTo("jason");
        assertThat(seen.headers().get("x-request-id")).isEqualTo("0f3c");
        assertThat(seen.headers().getAll("x-tag")).containsExactly("a", "b");
        assertThat(seen.headers().get("x-inmesh-peer")).startsWith("workload=productpage-v1;namespace=bookinfo");
    }

    @Test
    void aQualifiedNameIsKeptAsCalledToo() {
        UpstreamWorkload.Seen seen = call("http://reviews.bookinfo.svc.cluster.local:9080/reviews/2");

        assertThat(seen.authority()).isEqualTo("reviews.bookinfo.svc.cluster.local:9080");
    }

    @Test
    void aHostHeaderSetByTheApplicationDoesNotOverrideTheAuthority() {
        int before = reviews.seen().size();
        assertThat(productpage.client().get("http://reviews:9080/reviews/3").header("Host", "evil.example.com")
                .retrieve().block(Meshes.WAIT)).isEqualTo("reviews-v1");

        assertThat(reviews.seen().get(before).authority()).isEqualTo("reviews:9080");
    }

    @Test
    void theUpstreamKnowsWhoCalled() {
        PeerIdentity peer = call("http://reviews:9080/reviews/1").peer();

        assertThat(peer).isNotNull();
        assertThat(peer.workload()).isEqualTo("productpage-v1");
        assertThat(peer.namespace()).isEqualTo("bookinfo");
        assertThat(peer.labels()).isEqualTo(Map.of("app", "productpage", "version", "v1"));
        assertThat(peer.serviceAccount()).isEqualTo("bookinfo-productpage");
        assertThat(peer.principal()).isEqualTo("cluster.local/ns/bookinfo/sa/bookinfo-productpage");
        assertThat(peer.verified()).as("declared in a header, not proven by a certificate").isFalse();
    }

    @Test
    void aCallerOutsideTheMeshHasNoIdentity() {
        int before = reviews.seen().size();
        String body = HttpClient.create().get().uri("http://127.0.0.1:" + reviews.port() + "/reviews/1")
                .responseContent().aggregate().asString().block(Meshes.WAIT);

        assertThat(body).isEqualTo("reviews-v1");
        UpstreamWorkload.Seen seen = reviews.seen().get(before);
        assertThat(seen.peer()).isNull();
        assertThat(seen.authority()).isEqualTo("127.0.0.1:" + reviews.port());
    }
}
