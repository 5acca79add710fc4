package io.inmesh.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.spi.ServerStage;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class MeshServerStackTest {

    @Test
    void runsTheServerStackThenTheHandlerWithoutAServer() {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Mesh mesh = Mesh.builder()
                .workload(LocalWorkload.of("reviews-v1", "bookinfo", Map.of("app", "reviews")))
                .discoverExtensions(false)
                .serverInterceptor(ServerStage.USER, "user", (request, chain) -> {
                    seen.add("interceptor " + request.path());
                    return chain.proceed(request);
                })
                .build()) {
            var stack = MeshServer.stack(mesh, request -> {
                seen.add("handler " + request.path());
                return Mono.just(MeshResponse.of(204, new DefaultHttpHeaders(), Flux.empty()));
            });

            MeshResponse response = stack.apply(MeshRequest.builder(HttpMethod.GET, "http://reviews:9080/reviews/1").build()).block();

            assertThat(response.status()).isEqualTo(204);
            assertThat(seen).containsExactly("interceptor /reviews/1", "handler /reviews/1");
        }
    }
}
