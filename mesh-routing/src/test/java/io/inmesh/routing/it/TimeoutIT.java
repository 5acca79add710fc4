package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.inmesh.core.Mesh;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.routing.it.ScriptedUpstream.Answer;
import io.inmesh.core.testing.TestConfigSource;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Route timeouts and per-try timeouts over real sockets: the route timeout bounds the whole call,
 * retries, back-offs and the response body included, and fails it with 504 {@code UT}; a try past its
 * {@code perTryTimeout} is cut and retried. The time bounds asserted are upper bounds with generous
 * slack (2 s) for a loaded machine; what they show is that a call never waits for a slow upstream
 * (3 s) or for all of its retries.
 */
@ExtendWith(BlockHoundExtension.class)
class TimeoutIT {

    private static final Duration SLOW = Duration.ofSeconds(3);
    private static final Duration SLACK = Duration.ofSeconds(2);

    private static ScriptedUpstream reviews;
    private static Mesh productpage;

    private static String route(String prefix, String settings) {
        return """
                  - match:
                    - uri:
                        prefix: %s
                    route:
                    - destination:
                        host: reviews
                %s
                """.formatted(prefix, settings.indent(4).stripTrailing());
    }

    @BeforeAll
    static void start() {
        reviews = new ScriptedUpstream("reviews-1");
        productpage = Meshes.productpage(new TestConfigSource().push(Yaml.serviceEntry("reviews"), reviews.workloadEntry("reviews", "v1"), """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts:
                  - reviews
                  http:
                """ + route("/slow/", "timeout: 500ms\nretries: {attempts: 0}")
                + route("/retries/", "timeout: 600ms\nretries: {attempts: 10, retryOn: 5xx}")
                + route("/per-try/", "timeout: 10s\nretries: {attempts: 2, perTryTimeout: 200ms, retryOn: 5xx}")
                + route("/per-try-only/", "retries: {attempts: 1, perTryTimeout: 200ms, retryOn: gateway-error}")
                + route("/", "")));
    }

    @AfterAll
    static void stop() {
        productpage.close();
        reviews.close();
    }

    @BeforeEach
    void resetUpstream() {
        reviews.reset();
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void aSlowUpstreamIsCutAtTheRouteTimeoutWith504Ut() {
        reviews.answer(n -> Answer.after(SLOW, 200));

        long start = System.nanoTime();
        MeshException.UpstreamTimeout failure = catchThrowableOfType(MeshException.UpstreamTimeout.class,
                () -> Meshes.get(productpage, "http://reviews:9080/slow/1"));

        assertThat(since(start)).isLessThan(Duration.ofMillis(500).plus(SLACK));
        assertThat(failure.status()).isEqualTo(504);
        assertThat(failure.flags()).containsExactly(ResponseFlag.UT);
        assertThat(failure.reason()).contains("route timeout 500ms").contains("reviews.bookinfo.svc.cluster.local");
        assertThat(MeshResponse.of(failure).headers().get(MeshResponse.FLAGS_HEADER)).isEqualTo("UT");
    }

    @Test
    void theRouteTimeoutBoundsEveryRetryAndBackOff() {
        // Ten retries of a 150 ms failure, with back-offs, would take well over a second.
        reviews.answer(n -> Answer.after(Duration.ofMillis(150), 503));

        long start = System.nanoTime();
        MeshException.UpstreamTimeout failure = catchThrowableOfType(MeshException.UpstreamTimeout.class,
                () -> Meshes.get(productpage, "http://reviews:9080/retries/1"));

        assertThat(since(start)).isLessThan(Duration.ofMillis(600).plus(SLACK));
        assertThat(failure.flags()).containsExactly(ResponseFlag.UT);
        assertThat(reviews.requests()).as("the timeout ended the call before its retries ran out").isLessThan(11);
    }

    @Test
    void theRouteTimeoutBoundsTheResponseBody() {
        reviews.answer(n -> Answer.slowBody(SLOW));

        long start = System.nanoTime();
        MeshResponse response = productpage.client().get("http://reviews:9080/slow/1").exchange().block(Meshes.WAIT);
        assertThat(response.status()).isEqualTo(200);
        MeshException.UpstreamTimeout failure = catchThrowableOfType(MeshException.UpstreamTimeout.class,
                () -> response.bodyAsString().block(Meshes.WAIT));

        assertThat(since(start)).isLessThan(Duration.ofMillis(500).plus(SLACK));
        assertThat(failure.flags()).containsExactly(ResponseFlag.UT);
    }

    @Test
    void aTryPastItsPerTryTimeoutIsCutAndRetried() {
        reviews.answer(n -> n == 0 ? Answer.after(SLOW, 200) : Answer.status(200));

        long start = System.nanoTime();
        String body = Meshes.get(productpage, "http://reviews:9080/per-try/1");

        assertThat(body).isEqualTo("reviews-1");
        assertThat(since(start)).as("the slow first try was not waited for").isLessThan(Duration.ofMillis(200).plus(SLACK));
        assertThat(reviews.seen()).extracting(ScriptedUpstream.Seen::attempt).containsExactly(1, 2);
    }

    @Test
    void whenEveryTryTimesOutTheCallFailsWithUtAndUrx() {
        reviews.answer(n -> Answer.after(SLOW, 200));

        long start = System.nanoTime();
        MeshException.UpstreamTimeout failure = catchThrowableOfType(MeshException.UpstreamTimeout.class,
                () -> Meshes.get(productpage, "http://reviews:9080/per-try-only/1"));

        assertThat(since(start)).isLessThan(Duration.ofMillis(400).plus(SLACK));
        assertThat(failure.status()).isEqualTo(504);
        assertThat(failure.flags()).containsExactly(ResponseFlag.UT, ResponseFlag.URX);
        assertThat(failure.reason()).contains("per-try timeout 200ms");
        assertThat(reviews.requests()).isEqualTo(2);
    }

    @Test
    void withoutARouteTimeoutASlowAnswerIsWaitedFor() {
        reviews.answer(n -> Answer.after(Duration.ofMillis(700), 200));

        assertThat(Meshes.get(productpage, "http://reviews:9080/other/1")).isEqualTo("reviews-1");
    }
}
