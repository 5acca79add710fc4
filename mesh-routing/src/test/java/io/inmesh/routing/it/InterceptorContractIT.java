package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.inmesh.core.Mesh;
import io.inmesh.core.spi.ClientStage;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.routing.RoutingAttributes;
import io.inmesh.routing.WeightedDestination;
import io.inmesh.core.testing.TestConfigSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The interceptor contract as an application meets it, in a real client stack over real sockets: an
 * application interceptor at {@link ClientStage#USER_ROUTED} sees the route's chosen destination; one
 * that calls {@code proceed} twice, or returns {@code null}, fails the request with an error that
 * names it.
 */
@ExtendWith(BlockHoundExtension.class)
class InterceptorContractIT {

    private static UpstreamWorkload v1;
    private static UpstreamWorkload v2;
    private static TestConfigSource source;

    @BeforeAll
    static void start() {
        v1 = UpstreamWorkload.start("reviews-v1", "reviews", "v1");
        v2 = UpstreamWorkload.start("reviews-v2", "reviews", "v2");
        source = new TestConfigSource().push(Yaml.serviceEntry("reviews"), v1.workloadEntry(), v2.workloadEntry(),
                Yaml.reviewsSubsets(), """
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
                    - headers:
                        end-user:
                          exact: jason
                    route:
                    - destination:
                        host: reviews
                        subset: v2
                  - route:
                    - destination:
                        host: reviews
                        subset: v1
                """);
    }

    @AfterAll
    static void stop() {
        v1.close();
        v2.close();
    }

    @Test
    void aUserRoutedInterceptorSeesTheChosenDestination() {
        List<WeightedDestination> seen = new CopyOnWriteArrayList<>();
        try (Mesh mesh = Meshes.client(source, "productpage-v1", Map.of("app", "productpage"),
                builder -> builder.clientInterceptor(ClientStage.USER_ROUTED, "app/observer", (request, chain) -> {
                    seen.add(request.attribute(RoutingAttributes.DESTINATION));
                    return chain.proceed(request);
                }))) {
            assertThat(Meshes.get(mesh, "http://reviews:9080/reviews/1")).isEqualTo("reviews-v1");
            assertThat(mesh.client().get("http://reviews:9080/reviews/1").header("end-user", "jason").retrieve()
                    .block(Meshes.WAIT)).isEqualTo("reviews-v2");
            assertThat(mesh.clientStack()).containsSubsequence("core/egress", "routing/route", "app/observer", "routing/endpoint");
        }
        assertThat(seen).extracting(WeightedDestination::host).containsExactly(
                "reviews.bookinfo.svc.cluster.local", "reviews.bookinfo.svc.cluster.local");
        assertThat(seen).extracting(WeightedDestination::subset).containsExactly("v1", "v2");
    }

    @Test
    void callingProceedTwiceFailsTheRequestNamingTheInterceptor() {
        int before = v1.requests();
        try (Mesh mesh = Meshes.client(source, "productpage-v1", Map.of("app", "productpage"),
                builder -> builder.clientInterceptor(ClientStage.USER_ROUTED, "app/greedy", (request, chain) -> {
                    chain.proceed(request);
                    return chain.proceed(request);
                }))) {
            Throwable failure = catchThrowable(() -> Meshes.get(mesh, "http://reviews:9080/reviews/1"));

            assertThat(failure).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("app/greedy")
                    .hasMessageContaining("proceed() more than once");
        }
        // The first proceed was never subscribed to: nothing went out.
        assertThat(v1.requests()).isEqualTo(before);
    }

    @Test
    void returningNullFailsTheRequestNamingTheInterceptor() {
        try (Mesh mesh = Meshes.client(source, "productpage-v1", Map.of("app", "productpage"),
                builder -> builder.clientInterceptor(ClientStage.USER_ROUTED, "app/forgetful", (request, chain) -> null))) {
            Throwable failure = catchThrowable(() -> Meshes.get(mesh, "http://reviews:9080/reviews/1"));

            assertThat(failure).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("app/forgetful")
                    .hasMessageContaining("returned null");
        }
    }

    @Test
    void anInterceptorThatThrowsFailsTheRequestInsteadOfTheCaller() {
        try (Mesh mesh = Meshes.client(source, "productpage-v1", Map.of("app", "productpage"),
                builder -> builder.clientInterceptor(ClientStage.USER_ROUTED, "app/broken", (request, chain) -> {
                    throw new IllegalArgumentException("broken on purpose");
                }))) {
            // The Mono is returned, and fails when subscribed: the exception does not escape exchange().
            var response = mesh.client().get("http://reviews:9080/reviews/1").exchange();
            assertThat(catchThrowable(() -> response.block(Meshes.WAIT))).hasMessageContaining("broken on purpose");
        }
    }
}
