package io.inmesh.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.routing.RetryPolicy;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RoutePolicy;
import io.inmesh.routing.RoutingAttributes;
import io.inmesh.routing.WeightedDestination;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** Envoy's fault filter semantics: delay, then an independently drawn abort, answered locally. */
class FaultInterceptorTest {

    private static final int ALL = 1_000_000;

    private final Random random = new Random(42);
    private final FaultInterceptor faults = new FaultInterceptor(new RoutingRuntime(() -> random, System::nanoTime));

    private static MeshRequest request(RoutePolicy.Fault fault, String contentType) {
        RoutePolicy policy = new RoutePolicy(null, RetryPolicy.ISTIO_DEFAULT, fault, List.of(), null,
                RoutePolicy.HeaderOperations.NONE, RoutePolicy.HeaderOperations.NONE);
        RouteDecision decision = new RouteDecision(RouteDecision.Outcome.ROUTED, "bookinfo/ratings", null, 0, null,
                List.of(new WeightedDestination("ratings.bookinfo.svc.cluster.local", null, 9080, 100)), policy);
        MeshRequest.Builder builder = MeshRequest.builder(HttpMethod.GET, "http://ratings:9080/ratings/0")
                .attribute(RoutingAttributes.DECISION, decision);
        if (contentType != null) {
            builder.setHeader("content-type", contentType);
        }
        return builder.build();
    }

    private static RoutePolicy.Fault abort(int status, int perMillion) {
        return new RoutePolicy.Fault(null, 0, status, -1, perMillion);
    }

    @Test
    void anAbortAnswersLocallyWithEnvoysBodyAndFlagWithoutCallingUpstream() {
        RecordingChain chain = RecordingChain.answering200();
        MeshResponse response = faults.intercept(request(abort(503, ALL), null), chain).block();

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.flags()).containsExactly(ResponseFlag.FI);
        assertThat(response.headers().get(MeshResponse.FLAGS_HEADER)).isEqualTo("FI");
        assertThat(response.bodyAsString().block()).isEqualTo("fault filter abort");
        assertThat(chain.proceeded).isEmpty();
    }

    @Test
    void aRouteWithoutFaultPassesEveryRequestOn() {
        RecordingChain chain = RecordingChain.answering200();
        MeshResponse response = faults.intercept(request(null, null), chain).block();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.flags()).isEmpty();
        assertThat(chain.proceeded).hasSize(1);
    }

    @Test
    void aGrpcAbortIsHttp200WithGrpcStatusForGrpcRequests() {
        RoutePolicy.Fault unavailable = new RoutePolicy.Fault(null, 0, 0, 14, ALL);
        MeshResponse grpc = faults.intercept(request(unavailable, "application/grpc"), RecordingChain.answering200()).block();
        assertThat(grpc.status()).isEqualTo(200);
        assertThat(grpc.headers().get("content-type")).isEqualTo("application/grpc");
        assertThat(grpc.headers().get("grpc-status")).isEqualTo("14");
        assertThat(grpc.headers().get("grpc-message")).isEqualTo("fault filter abort");
        assertThat(grpc.flags()).containsExactly(ResponseFlag.FI);

        // As from Envoy: a plain HTTP request gets the 200 of a gRPC-status abort, with the text body.
        MeshResponse plain = faults.intercept(request(unavailable, null), RecordingChain.answering200()).block();
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.headers().get("grpc-status")).isNull();
        assertThat(plain.bodyAsString().block()).isEqualTo("fault filter abort");
    }

    @Test
    void anHttpAbortOfAGrpcRequestCarriesEnvoysMappedGrpcStatus() {
        MeshResponse response = faults.intercept(request(abort(503, ALL), "application/grpc+proto"), RecordingChain.answering200()).block();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().get("grpc-status")).isEqualTo("14");
        assertThat(FaultInterceptor.grpcStatusOf(400)).isEqualTo(13);
        assertThat(FaultInterceptor.grpcStatusOf(401)).isEqualTo(16);
        assertThat(FaultInterceptor.grpcStatusOf(403)).isEqualTo(7);
        assertThat(FaultInterceptor.grpcStatusOf(404)).isEqualTo(12);
        assertThat(FaultInterceptor.grpcStatusOf(500)).isEqualTo(2);
    }

    @Test
    void aDelayWaitsOnATimerThenForwardsAndFlagsDi() {
        RecordingChain chain = RecordingChain.answering200();
        RoutePolicy.Fault delay = new RoutePolicy.Fault(Duration.ofSeconds(7), ALL, 0, -1, 0);
        StepVerifier.withVirtualTime(() -> faults.intercept(request(delay, null), chain))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(6_999))
                .then(() -> assertThat(chain.proceeded).as("nothing forwarded during the delay").isEmpty())
                .thenAwait(Duration.ofMillis(1))
                .assertNext(response -> {
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.flags()).containsExactly(ResponseFlag.DI);
                    response.releaseBody().block();
                })
                .verifyComplete();
        assertThat(chain.proceeded).hasSize(1);
    }

    @Test
    void aDelayedAbortIsFlaggedDiThenFi() {
        RecordingChain chain = RecordingChain.answering200();
        RoutePolicy.Fault both = new RoutePolicy.Fault(Duration.ofMillis(5), ALL, 500, -1, ALL);
        StepVerifier.withVirtualTime(() -> faults.intercept(request(both, null), chain))
                .thenAwait(Duration.ofMillis(5))
                .assertNext(response -> {
                    assertThat(response.status()).isEqualTo(500);
                    assertThat(response.flags()).containsExactly(ResponseFlag.DI, ResponseFlag.FI);
                    assertThat(response.headers().get(MeshResponse.FLAGS_HEADER)).isEqualTo("DI,FI");
                    response.releaseBody().block();
                })
                .verifyComplete();
        assertThat(chain.proceeded).isEmpty();
    }

    @Test
    void theAbortShareFollowsThePercentageWithinTheBinomialTolerance() {
        int requests = 10_000;
        RoutePolicy.Fault thirtyPercent = abort(503, 300_000);
        int aborted = 0;
        for (int i = 0; i < requests; i++) {
            MeshResponse response = faults.intercept(request(thirtyPercent, null), RecordingChain.answering200()).block();
            aborted += response.status() == 503 ? 1 : 0;
            response.releaseBody().block();
        }
        // Binomial(10^4, 0.3): sigma 45.8; the 99.9 % interval is mean +- 3.29 sigma.
        double sigma = Math.sqrt(requests * 0.3 * 0.7);
        assertThat((double) aborted).isBetween(3000 - 3.29 * sigma, 3000 + 3.29 * sigma);
    }
}
