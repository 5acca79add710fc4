package io.inmesh.core.internal.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.MeshSnapshot;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The interceptor contract, enforced by the chain and reported naming the interceptor that broke it. */
class InterceptorChainTest {

    private static final MeshSnapshot SNAPSHOT = new MeshSnapshot(1, MeshConfig.of(List.of()).config(), Map.of(), Instant.EPOCH);
    private static final LocalWorkload WORKLOAD = LocalWorkload.of("productpage-v1", "bookinfo", Map.of("app", "productpage"));
    private static final MeshRequest REQUEST = MeshRequest.builder(HttpMethod.GET, "http://reviews:9080/reviews/1").build();

    private static Mono<MeshResponse> ok(MeshRequest request) {
        return Mono.just(MeshResponse.text(200, "ok"));
    }

    @Test
    void interceptorsRunInOrderAndSeeWhatTheEarlierOnesChanged() {
        List<String> seen = new ArrayList<>();
        InterceptorChain chain = new InterceptorChain(List.of(
                new InterceptorChain.Named("first", (request, next) -> {
                    seen.add("first " + request.headers().get("x-step"));
                    return next.proceed(request.toBuilder().setHeader("x-step", "1").build());
                }),
                new InterceptorChain.Named("second", (request, next) -> {
                    seen.add("second " + request.headers().get("x-step") + " " + next.workload().name() + " v" + next.snapshot().version());
                    return next.proceed(request);
                })),
                request -> {
                    seen.add("terminal " + request.headers().get("x-step"));
                    return ok(request);
                });

        StepVerifier.create(chain.execute(REQUEST, SNAPSHOT, WORKLOAD)).expectNextMatches(r -> r.status() == 200).verifyComplete();
        assertThat(seen).containsExactly("first null", "second 1 productpage-v1 v1", "terminal 1");
    }

    @Test
    void callingProceedTwiceFailsTheRequestNamingTheInterceptor() {
        InterceptorChain chain = new InterceptorChain(List.of(new InterceptorChain.Named("user/greedy", (request, next) -> {
            next.proceed(request);
            return next.proceed(request);
        })), InterceptorChainTest::ok);

        StepVerifier.create(chain.execute(REQUEST, SNAPSHOT, WORKLOAD))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("interceptor user/greedy called proceed() more than once"))
                .verify();
    }

    @Test
    void resubscribingToTheProceededMonoIsHowARetryRunsTheRestAgain() {
        int[] terminalCalls = {0};
        InterceptorChain chain = new InterceptorChain(List.of(new InterceptorChain.Named("retry", (request, next) -> {
            Mono<MeshResponse> attempt = next.proceed(request);
            return attempt.flatMap(response -> response.status() == 503 ? Mono.error(new IllegalStateException("retry")) : Mono.just(response))
                    .retry(2);
        })), request -> Mono.fromSupplier(() -> MeshResponse.text(++terminalCalls[0] < 3 ? 503 : 200, "attempt")));

        StepVerifier.create(chain.execute(REQUEST, SNAPSHOT, WORKLOAD)).expectNextMatches(r -> r.status() == 200).verifyComplete();
        assertThat(terminalCalls[0]).isEqualTo(3);
    }

    @Test
    void returningNullFailsTheRequestNamingTheInterceptor() {
        InterceptorChain chain = new InterceptorChain(List.of(new InterceptorChain.Named("user/lazy", (request, next) -> null)),
                InterceptorChainTest::ok);

        StepVerifier.create(chain.execute(REQUEST, SNAPSHOT, WORKLOAD))
                .expectErrorMessage("interceptor user/lazy returned null")
                .verify();
    }

    @Test
    void anInterceptorThatThrowsFailsOnlyItsRequest() {
        InterceptorChain chain = new InterceptorChain(List.of(new InterceptorChain.Named("user/broken", (request, next) -> {
            throw new IllegalArgumentException("bad header");
        })), InterceptorChainTest::ok);

        StepVerifier.create(chain.execute(REQUEST, SNAPSHOT, WORKLOAD)).expectErrorMessage("bad header").verify();
        StepVerifier.create(new InterceptorChain(List.of(), InterceptorChainTest::ok).execute(REQUEST, SNAPSHOT, WORKLOAD))
                .expectNextCount(1)
                .verifyComplete();
    }

    @Test
    void anInterceptorMayAnswerWithoutProceeding() {
        int[] terminalCalls = {0};
        InterceptorChain chain = new InterceptorChain(List.of(new InterceptorChain.Named("cache", (request, next) ->
                Mono.just(MeshResponse.text(203, "cached")))), request -> {
                    terminalCalls[0]++;
                    return ok(request);
                });

        StepVerifier.create(chain.execute(REQUEST, SNAPSHOT, WORKLOAD)).expectNextMatches(r -> r.status() == 203).verifyComplete();
        assertThat(terminalCalls[0]).isZero();
    }
}
