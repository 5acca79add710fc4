package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.inmesh.core.Mesh;
import io.inmesh.core.MeshServer;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * When the mesh cannot carry a request out, the caller gets a typed {@link MeshException} whose
 * status, Envoy response flag and reason say what happened: no route (404 NR), a subset without
 * endpoints (503 UH), an endpoint that refuses connections (503 UF). A MeshServer whose handler
 * calls on through the mesh answers those same statuses, with {@code x-inmesh-response-flags}.
 */
@ExtendWith(BlockHoundExtension.class)
class MeshFailuresIT {

    private static final String FQDN = "reviews.bookinfo.svc.cluster.local";

    private static UpstreamWorkload v1;
    private static int closedPort;
    private static Mesh productpage;
    private static MeshServer frontend;

    @BeforeAll
    static void start() {
        v1 = UpstreamWorkload.start("reviews-v1", "reviews", "v1");
        closedPort = closedPort();
        TestConfigSource source = new TestConfigSource().push(Yaml.serviceEntry("reviews"), v1.workloadEntry(),
                // An instance registered at a port nothing listens on.
                Yaml.workloadEntry("reviews-gone", "reviews", "gone", closedPort), """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  host: reviews
                  subsets:
                  - name: v1
                    labels:
                      version: v1
                  - name: v3
                    labels:
                      version: v3
                  - name: gone
                    labels:
                      version: gone
                """, """
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
                    - uri:
                        prefix: /ok/
                    route:
                    - destination:
                        host: reviews
                        subset: v1
                  - match:
                    - uri:
                        prefix: /empty/
                    route:
                    - destination:
                        host: reviews
                        subset: v3
                  - match:
                    - uri:
                        prefix: /refused/
                    route:
                    - destination:
                        host: reviews
                        subset: gone
                """);
        productpage = Meshes.productpage(source);
        // productpage's own server: it calls reviews with the path it was called with, and answers the
        // mesh's failures as the mesh's responses.
        frontend = productpage.server(request -> productpage.client().get("http://reviews:9080" + request.pathAndQuery())
                        .exchange()
                        .onErrorResume(MeshException.class, failure -> Mono.just(MeshResponse.of(failure))))
                .bind();
    }

    @AfterAll
    static void stop() {
        frontend.close();
        productpage.close();
        v1.close();
    }

    /** A loopback port that was free a moment ago and that nothing listens on now. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <E extends MeshException> E failure(Class<E> type, String path) {
        return catchThrowableOfType(type, () -> Meshes.get(productpage, "http://reviews:9080" + path));
    }

    @Test
    void theSameCallSucceedsWhereTheRulesAllowIt() {
        assertThat(Meshes.get(productpage, "http://reviews:9080/ok/1")).isEqualTo("reviews-v1");
    }

    @Test
    void noMatchingRouteIs404NoRoute() {
        MeshException.NoRoute failure = failure(MeshException.NoRoute.class, "/ratings/1");

        assertThat(failure.status()).isEqualTo(404);
        assertThat(failure.flag()).isEqualTo(ResponseFlag.NR);
        assertThat(failure.reason()).contains("bookinfo/reviews").contains("GET").contains("reviews:9080/ratings/1");
    }

    @Test
    void aSubsetWithoutEndpointsIs503NoHealthyUpstream() {
        MeshException.NoHealthyUpstream failure = failure(MeshException.NoHealthyUpstream.class, "/empty/1");

        assertThat(failure.status()).isEqualTo(503);
        assertThat(failure.flag()).isEqualTo(ResponseFlag.UH);
        assertThat(failure.reason()).contains(FQDN).contains("subset v3");
    }

    @Test
    void anEndpointThatRefusesConnectionsIs503UpstreamConnectFailure() {
        MeshException.UpstreamConnectFailure failure = failure(MeshException.UpstreamConnectFailure.class, "/refused/1");

        assertThat(failure.status()).isEqualTo(503);
        assertThat(failure.flag()).isEqualTo(ResponseFlag.UF);
        assertThat(failure.reason()).contains("127.0.0.1:" + closedPort).contains(FQDN + "|gone|9080");
    }

    /** Status, response-flags header and body of a call to the frontend from outside the mesh. */
    private record Answer(int status, String flags, String body) {
    }

    private static Answer callFrontend(String path) {
        return HttpClient.create()
                .get()
                .uri("http://127.0.0.1:" + frontend.port() + path)
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("")
                        .map(text -> new Answer(response.status().code(), response.responseHeaders().get("x-inmesh-response-flags"), text)))
                .block(Meshes.WAIT);
    }

    @Test
    void aMeshServerThatCallsOnAnswersTheFailuresWithTheirStatusAndFlag() {
        Answer ok = callFrontend("/ok/1");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.flags()).isNull();
        assertThat(ok.body()).isEqualTo("reviews-v1");

        Answer noRoute = callFrontend("/ratings/1");
        assertThat(noRoute.status()).isEqualTo(404);
        assertThat(noRoute.flags()).isEqualTo("NR");
        assertThat(noRoute.body()).contains("no route").contains("/ratings/1");

        Answer noEndpoint = callFrontend("/empty/1");
        assertThat(noEndpoint.status()).isEqualTo(503);
        assertThat(noEndpoint.flags()).isEqualTo("UH");
        assertThat(noEndpoint.body()).contains(FQDN).contains("subset v3");

        Answer refused = callFrontend("/refused/1");
        assertThat(refused.status()).isEqualTo(503);
        // Istio's default policy retries a connect failure twice; Envoy then logs UF,URX.
        assertThat(refused.flags()).isEqualTo("UF,URX");
        assertThat(refused.body()).contains("127.0.0.1:" + closedPort);
    }
}
