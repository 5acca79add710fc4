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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Retries over real sockets, with Envoy's conditions: a call succeeds after N failed tries and stops
 * at {@code attempts}, flagged {@code URX}; {@code 5xx}, {@code gateway-error}, {@code reset},
 * {@code connect-failure}, {@code retriable-status-codes} and {@code retriable-4xx} retry what they
 * name and nothing else; Istio's default policy applies when a route sets none; a retry goes to an
 * endpoint not tried yet; a POST body is sent again on every try.
 */
@ExtendWith(BlockHoundExtension.class)
class RetryIT {

    private static ScriptedUpstream reviews;
    private static List<ScriptedUpstream> ratings;
    private static ScriptedUpstream details;
    private static Mesh productpage;

    private static String route(String prefix, String retries) {
        return """
                  - match:
                    - uri:
                        prefix: %s
                    route:
                    - destination:
                        host: reviews
                %s
                """.formatted(prefix, retries.isEmpty() ? "" : retries.indent(4).stripTrailing());
    }

    @BeforeAll
    static void start() {
        reviews = new ScriptedUpstream("reviews-1");
        ratings = List.of(new ScriptedUpstream("ratings-a"), new ScriptedUpstream("ratings-b"), new ScriptedUpstream("ratings-c"));
        details = new ScriptedUpstream("details-live");
        List<String> documents = new ArrayList<>(List.of(Yaml.serviceEntry("reviews"), reviews.workloadEntry("reviews", "v1"),
                Yaml.serviceEntry("ratings"), Yaml.serviceEntry("details"), details.workloadEntry("details", "v1"),
                // A details instance registered at a port nothing listens on.
                Yaml.workloadEntry("details-gone", "details", "v1", closedPort())));
        ratings.forEach(each -> documents.add(each.workloadEntry("ratings", "v1")));
        documents.add("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts:
                  - reviews
                  http:
                """ + route("/5xx/", "retries: {attempts: 3, retryOn: 5xx}")
                + route("/gateway/", "retries: {attempts: 2, retryOn: gateway-error}")
                + route("/reset/", "retries: {attempts: 2, retryOn: reset}")
                + route("/codes/", "retries: {attempts: 2, retryOn: \"418\"}")
                + route("/4xx/", "retries: {attempts: 2, retryOn: retriable-4xx}")
                + route("/none/", "retries: {attempts: 0}")
                + route("/", ""));
        documents.add("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: ratings
                  namespace: bookinfo
                spec:
                  hosts:
                  - ratings
                  http:
                  - route:
                    - destination:
                        host: ratings
                    retries:
                      attempts: 2
                      retryOn: 5xx
                """);
        documents.add("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: details
                  namespace: bookinfo
                spec:
                  hosts:
                  - details
                  http:
                  - match:
                    - uri:
                        prefix: /none/
                    route:
                    - destination:
                        host: details
                    retries:
                      attempts: 0
                  - route:
                    - destination:
                        host: details
                """);
        productpage = Meshes.productpage(new TestConfigSource().push(documents.toArray(String[]::new)));
    }

    @AfterAll
    static void stop() {
        productpage.close();
        reviews.close();
        ratings.forEach(ScriptedUpstream::close);
        details.close();
    }

    @BeforeEach
    void resetUpstreams() {
        reviews.reset();
        ratings.forEach(ScriptedUpstream::reset);
        details.reset();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Status and flags of a GET of {@code url} (the body is read and dropped). */
    private record Result(int status, String flags, String body) {
    }

    private static Result get(String url) {
        return productpage.client().get(url).exchange()
                .flatMap(response -> response.bodyAsString().map(body -> new Result(response.status(),
                        response.headers().get(MeshResponse.FLAGS_HEADER), body)))
                .block(Meshes.WAIT);
    }

    @Test
    void aCallSucceedsAfterTwoFailedTries() {
        reviews.answer(n -> Answer.status(n < 2 ? 503 : 200));

        Result result = get("http://reviews:9080/5xx/1");

        assertThat(result.status()).isEqualTo(200);
        assertThat(result.flags()).isNull();
        assertThat(reviews.seen()).extracting(ScriptedUpstream.Seen::attempt).containsExactly(1, 2, 3);
    }

    @Test
    void retriesStopAtAttemptsAndTheLastResponseComesBackFlaggedUrx() {
        reviews.answer(n -> Answer.status(500));

        Result result = get("http://reviews:9080/5xx/1");

        assertThat(result.status()).isEqualTo(500);
        assertThat(result.flags()).isEqualTo("URX");
        assertThat(result.body()).isEqualTo("reviews-1");
        assertThat(reviews.requests()).as("the first try and 3 retries").isEqualTo(4);
    }

    @Test
    void gatewayErrorRetries502To504ButNot500() {
        reviews.answer(n -> Answer.status(n == 0 ? 502 : n == 1 ? 504 : 200));
        assertThat(get("http://reviews:9080/gateway/1").status()).isEqualTo(200);
        assertThat(reviews.requests()).isEqualTo(3);

        reviews.reset();
        reviews.answer(n -> Answer.status(500));
        Result result = get("http://reviews:9080/gateway/1");
        assertThat(result.status()).isEqualTo(500);
        assertThat(result.flags()).isNull();
        assertThat(reviews.requests()).isEqualTo(1);
    }

    @Test
    void resetRetriesAConnectionClosedWithoutAnAnswer() {
        reviews.answer(n -> n == 0 ? Answer.resetConnection() : Answer.status(200));

        assertThat(get("http://reviews:9080/reset/1").status()).isEqualTo(200);
        assertThat(reviews.requests()).isEqualTo(2);
    }

    @Test
    void aResetWithoutRetriesLeftFailsWithUcAndUrx() {
        reviews.answer(n -> Answer.resetConnection());

        MeshException failure = catchThrowableOfType(MeshException.class, () -> get("http://reviews:9080/reset/1"));

        assertThat(failure.status()).isEqualTo(503);
        assertThat(failure.flags()).containsExactly(ResponseFlag.UC, ResponseFlag.URX);
        assertThat(reviews.requests()).isEqualTo(3);
    }

    @Test
    void retriableStatusCodesRetryTheCodesNamedAndNothingElse() {
        reviews.answer(n -> Answer.status(n == 0 ? 418 : 200));
        assertThat(get("http://reviews:9080/codes/1").status()).isEqualTo(200);
        assertThat(reviews.requests()).isEqualTo(2);

        reviews.reset();
        reviews.answer(n -> Answer.status(503));
        assertThat(get("http://reviews:9080/codes/1").status()).as("retryOn replaces Istio's default conditions").isEqualTo(503);
        assertThat(reviews.requests()).isEqualTo(1);
    }

    @Test
    void retriable4xxRetries409Only() {
        reviews.answer(n -> Answer.status(n == 0 ? 409 : 200));
        assertThat(get("http://reviews:9080/4xx/1").status()).isEqualTo(200);
        assertThat(reviews.requests()).isEqualTo(2);

        reviews.reset();
        reviews.answer(n -> Answer.status(404));
        assertThat(get("http://reviews:9080/4xx/1").status()).isEqualTo(404);
        assertThat(reviews.requests()).isEqualTo(1);
    }

    @Test
    void istiosDefaultPolicyRetries503TwiceButNot500() {
        reviews.answer(n -> Answer.status(503));
        Result exhausted = get("http://reviews:9080/default/1");
        assertThat(exhausted.status()).isEqualTo(503);
        assertThat(exhausted.flags()).isEqualTo("URX");
        assertThat(reviews.requests()).isEqualTo(3);

        reviews.reset();
        reviews.answer(n -> Answer.status(500));
        assertThat(get("http://reviews:9080/default/1").status()).isEqualTo(500);
        assertThat(reviews.requests()).isEqualTo(1);
    }

    @Test
    void attemptsZeroSendsOnce() {
        reviews.answer(n -> Answer.status(503));

        Result result = get("http://reviews:9080/none/1");

        assertThat(result.status()).isEqualTo(503);
        assertThat(result.flags()).isNull();
        assertThat(reviews.requests()).isEqualTo(1);
    }

    @Test
    void connectFailureToOneEndpointIsRetriedOnTheOther() {
        for (int i = 0; i < 20; i++) {
            assertThat(get("http://details:9080/details/" + i).status()).as("call %d", i).isEqualTo(200);
        }
        assertThat(details.requests()).isEqualTo(20);

        int refused = 0;
        for (int i = 0; i < 20; i++) {
            try {
                get("http://details:9080/none/" + i);
            } catch (MeshException.UpstreamConnectFailure e) {
                assertThat(e.flags()).containsExactly(ResponseFlag.UF);
                refused++;
            }
        }
        assertThat(refused).as("without retries, calls that picked the closed port fail").isPositive();
    }

    @Test
    void aRetryGoesToAnEndpointNotTriedYet() {
        // Two of the three ratings instances fail every request; every call must end on the third, and
        // no call may see the same instance twice.
        ratings.get(0).answer(n -> Answer.status(503));
        ratings.get(1).answer(n -> Answer.status(503));
        for (int i = 0; i < 30; i++) {
            String call = "call-" + i;
            MeshResponse response = productpage.client().get("http://ratings:9080/ratings/1").header("x-call", call).exchange().block(Meshes.WAIT);
            assertThat(response.status()).as(call).isEqualTo(200);
            response.releaseBody().block(Meshes.WAIT);
        }
        Map<String, List<String>> instancesPerCall = new HashMap<>();
        for (ScriptedUpstream instance : ratings) {
            instance.seen().forEach(seen -> instancesPerCall.computeIfAbsent(seen.call(), c -> new ArrayList<>()).add(instance.name()));
        }
        assertThat(instancesPerCall).hasSize(30);
        instancesPerCall.forEach((call, instances) -> {
            assertThat(new HashSet<>(instances)).as(call + " went to " + instances).hasSameSizeAs(instances);
            assertThat(instances).as(call).contains("ratings-c");
        });
    }

    @Test
    void aPostBodyIsSentAgainOnEveryTry() {
        reviews.answer(n -> Answer.status(n < 2 ? 503 : 201));

        MeshResponse response = productpage.client().post("http://reviews:9080/5xx/1").body("rating=5").exchange().block(Meshes.WAIT);
        response.releaseBody().block(Meshes.WAIT);

        assertThat(response.status()).isEqualTo(201);
        assertThat(reviews.seen()).extracting(ScriptedUpstream.Seen::body).containsExactly("rating=5", "rating=5", "rating=5");
    }
}
