package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.inmesh.core.BlockingMeshClient;
import io.inmesh.core.Mesh;
import io.inmesh.core.MeshServer;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * {@link BlockingMeshClient}: from a plain thread it waits for and returns whole responses, and the
 * mesh's failures as {@link MeshException}s; on an event-loop thread it refuses with
 * {@link IllegalStateException} before waiting on anything.
 */
@ExtendWith(BlockHoundExtension.class)
class BlockingClientIT {

    private static UpstreamWorkload reviews;
    private static Mesh productpage;

    @BeforeAll
    static void start() {
        reviews = UpstreamWorkload.start("reviews-v1", "reviews", "v1");
        productpage = Meshes.productpage(new TestConfigSource().push(Yaml.serviceEntry("reviews"), reviews.workloadEntry()));
    }

    @AfterAll
    static void stop() {
        productpage.close();
        reviews.close();
    }

    @Test
    void fromAPlainThreadItReturnsTheWholeResponse() {
        BlockingMeshClient.Response response = productpage.client().blocking().get("http://reviews:9080/reviews/1");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("reviews-v1");
        assertThat(response.headers().get("x-served-by")).isEqualTo("reviews-v1");
    }

    @Test
    void fromAPlainThreadTheMeshsFailuresAreThrown() {
        // reviews is in the registry, but without a single endpoint.
        try (Mesh mesh = Meshes.client(new TestConfigSource().push(Yaml.serviceEntry("reviews")), "productpage-v1",
                Map.of("app", "productpage"))) {
            MeshException.NoHealthyUpstream failure = catchThrowableOfType(MeshException.NoHealthyUpstream.class,
                    () -> mesh.client().blocking().get("http://reviews:9080/reviews/1"));
            assertThat(failure.flag()).isEqualTo(ResponseFlag.UH);
        }
    }

    @Test
    void onAnEventLoopItRefuses() {
        // A server whose handler, running on its event loop, tries the blocking client.
        try (MeshServer server = productpage.server(request -> {
            String answer;
            try {
                productpage.client().blocking().get("http://reviews:9080/reviews/1");
                answer = "not refused";
            } catch (IllegalStateException refused) {
                answer = "refused on " + Thread.currentThread().getName() + ": " + refused.getMessage();
            }
            return Mono.just(MeshResponse.text(200, answer));
        }).bind()) {
            String answer = HttpClient.create().get().uri("http://127.0.0.1:" + server.port() + "/")
                    .responseContent().aggregate().asString().block(Meshes.WAIT);

            assertThat(answer).startsWith("refused on reactor-http-").contains("non-blocking thread").contains("use MeshClient");
        }
    }

    @Test
    void onAReactorNonBlockingSchedulerItRefusesToo() {
        String answer = Mono.fromCallable(() -> {
                    try {
                        productpage.client().blocking().get("http://reviews:9080/reviews/1");
                        return "not refused";
                    } catch (IllegalStateException refused) {
                        return "refused";
                    }
                })
                .subscribeOn(Schedulers.parallel())
                .block(Meshes.WAIT);

        assertThat(answer).isEqualTo("refused");
    }
}
