package io.inmesh.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.inmesh.core.testing.BlockHoundExtension;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane over real sockets, against a real rules directory, with BlockHound watching the
 * event loops: the rules stream (§2), scoping (§3), Last-Event-ID (§4), reports and status (§5),
 * the token (§6).
 */
@ExtendWith(BlockHoundExtension.class)
class ControlPlaneIT {

    private static final String PRODUCTPAGE = "namespace=bookinfo&name=productpage-v1&labels=app%3Dproductpage%2Cversion%3Dv1&instance=pod-1";
    private static final String OTHER = "namespace=other&name=client&instance=pod-2";

    /** A VirtualService only its own namespace sees, next to the public one. */
    private static final String PRIVATE_VS = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: ratings
              namespace: bookinfo
            spec:
              hosts: [ratings]
              exportTo: ["."]
              http:
              - route:
                - destination: {host: ratings}
            """;

    @TempDir
    Path rules;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private ControlPlane start(ControlPlane.Builder builder) {
        ControlPlane controlPlane = builder.build().start();
        toClose.add(controlPlane);
        return controlPlane;
    }

    private ControlPlane startWithBookinfo() throws IOException {
        Files.createDirectories(rules.resolve("bookinfo"));
        Files.writeString(rules.resolve("bookinfo/reviews.yaml"), RuleFiles.virtualService("bookinfo", "reviews", "reviews", 80)
                + "---\n" + RuleFiles.destinationRule("bookinfo", "reviews", "reviews"));
        Files.writeString(rules.resolve("bookinfo/ratings.yaml"), PRIVATE_VS);
        return start(ControlPlane.builder(rules));
    }

    private SseStream stream(ControlPlane controlPlane, String query) {
        return stream(controlPlane, query, Map.of());
    }

    private SseStream stream(ControlPlane controlPlane, String query, Map<String, String> headers) {
        SseStream stream = new SseStream(controlPlane.uri(), query, headers);
        toClose.add(stream);
        return stream;
    }

    private static JsonNode data(SseStream.Event event) throws IOException {
        return Http.JSON.readTree(event.data());
    }

    private static List<String> resources(JsonNode data) {
        return StreamSupport.stream(data.get("documents").spliterator(), false).map(d -> d.get("resource").asText()).toList();
    }

    private static boolean isRules(SseStream.Event event, long version) {
        return "rules".equals(event.event()) && event.id() != null && event.id().startsWith(version + ":");
    }

    @Test
    void sendsTheCurrentVersionAtOnce() throws IOException {
        ControlPlane controlPlane = startWithBookinfo();
        PublishedRules current = controlPlane.repository().current().orElseThrow();
        SseStream stream = stream(controlPlane, PRODUCTPAGE);

        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.headers().get("Content-Type")).isEqualTo("text/event-stream; charset=utf-8");
        assertThat(stream.headers().get("Cache-Control")).isEqualTo("no-cache");
        assertThat(stream.headers().get("X-Accel-Buffering")).isEqualTo("no");
        SseStream.Event event = stream.await(Duration.ofSeconds(2), e -> isRules(e, 1));
        assertThat(stream.raw()).startsWith("retry: 1000\n\nid: 1:" + current.hash() + "\nevent: rules\ndata: {");

        assertThat(event.id()).isEqualTo("1:" + current.hash());
        JsonNode data = data(event);
        assertThat(data.get("version").asLong()).isEqualTo(1);
        assertThat(data.get("hash").asText()).isEqualTo(current.hash()).hasSize(64);
        assertThat(data.get("publishedAt").asText()).isEqualTo(current.publishedAt().toString());
        assertThat(resources(data)).containsExactly("VirtualService/bookinfo/ratings", "VirtualService/bookinfo/reviews",
                "DestinationRule/bookinfo/reviews");
        JsonNode destinationRule = data.get("documents").get(2);
        assertThat(destinationRule.get("origin").asText()).isEqualTo("bookinfo/reviews.yaml");
        assertThat(destinationRule.get("firstLine").asInt()).isEqualTo(14);
        assertThat(destinationRule.get("yaml").asText()).startsWith("---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\n");
    }

    @Test
    void aFileEditReachesThreeConnectedStreamsWithinOneSecond() throws IOException {
        ControlPlane controlPlane = startWithBookinfo();
        List<SseStream> streams = List.of(stream(controlPlane, PRODUCTPAGE),
                stream(controlPlane, "namespace=bookinfo&name=reviews-v2&labels=app%3Dreviews"), stream(controlPlane, OTHER));
        streams.forEach(s -> s.await(Duration.ofSeconds(2), e -> isRules(e, 1)));

        long editedAt = System.nanoTime();
        Files.writeString(rules.resolve("bookinfo/reviews.yaml"), RuleFiles.virtualService("bookinfo", "reviews", "reviews", 50));
        for (SseStream stream : streams) {
            stream.await(Duration.ofSeconds(1).minusNanos(System.nanoTime() - editedAt), e -> isRules(e, 2));
        }
        long tookMs = (System.nanoTime() - editedAt) / 1_000_000;
        assertThat(tookMs).as("ms from the edit until all three streams had version 2").isLessThan(1000);

        PublishedRules v2 = controlPlane.repository().current().orElseThrow();
        for (SseStream stream : streams) {
            assertThat(stream.typed()).extracting(SseStream.Event::id).endsWith("2:" + v2.hash());
            JsonNode reviews = StreamSupport.stream(data(stream.typed().get(1)).get("documents").spliterator(), false)
                    .filter(d -> d.get("resource").asText().equals("VirtualService/bookinfo/reviews")).findFirst().orElseThrow();
            assertThat(reviews.get("yaml").asText()).contains("weight: 50");
        }
    }

    @Test
    void aWorkloadOfAnotherNamespaceDoesNotGetARuleExportedToItsOwnNamespaceOnly() throws IOException {
        ControlPlane controlPlane = startWithBookinfo();
        SseStream inBookinfo = stream(controlPlane, PRODUCTPAGE);
        SseStream inOther = stream(controlPlane, OTHER);

        assertThat(resources(data(inBookinfo.await(Duration.ofSeconds(2), e -> isRules(e, 1)))))
                .contains("VirtualService/bookinfo/ratings");
        JsonNode other = data(inOther.await(Duration.ofSeconds(2), e -> isRules(e, 1)));
        assertThat(resources(other)).containsExactly("VirtualService/bookinfo/reviews", "DestinationRule/bookinfo/reviews");
        // The version and hash are those of the whole set, whatever part of it a workload gets.
        assertThat(other.get("hash").asText()).isEqualTo(controlPlane.repository().current().orElseThrow().hash());
    }

    @Test
    void aMatchingLastEventIdGetsUnchangedAndAnyOtherTheFullVersion() throws IOException {
        ControlPlane controlPlane = startWithBookinfo();
        PublishedRules current = controlPlane.repository().current().orElseThrow();
        String id = "1:" + current.hash();

        SseStream resumed = stream(controlPlane, PRODUCTPAGE, Map.of("Last-Event-ID", id));
        SseStream.Event unchanged = resumed.await(Duration.ofSeconds(2), e -> e.event() != null);
        assertThat(unchanged.event()).isEqualTo("unchanged");
        assertThat(unchanged.id()).isEqualTo(id);
        assertThat(unchanged.data()).isEqualTo("{\"version\":1,\"hash\":\"" + current.hash() + "\"}");

        String otherHash = "1:" + "0".repeat(64);
        SseStream stale = stream(controlPlane, PRODUCTPAGE, Map.of("Last-Event-ID", otherHash));
        assertThat(stale.await(Duration.ofSeconds(2), e -> e.event() != null).event()).isEqualTo("rules");
        SseStream malformed = stream(controlPlane, PRODUCTPAGE, Map.of("Last-Event-ID", "garbage"));
        assertThat(malformed.await(Duration.ofSeconds(2), e -> e.event() != null).event()).isEqualTo("rules");

        // A later version goes to the resumed stream in full.
        Files.writeString(rules.resolve("bookinfo/reviews.yaml"), RuleFiles.virtualService("bookinfo", "reviews", "reviews", 10));
        resumed.await(Duration.ofSeconds(2), e -> isRules(e, 2));
    }

    @Test
    void anInvalidEditSendsNothingAndShowsInStatus() throws IOException {
        ControlPlane controlPlane = startWithBookinfo();
        SseStream stream = stream(controlPlane, PRODUCTPAGE);
        stream.await(Duration.ofSeconds(2), e -> isRules(e, 1));

        Files.writeString(rules.resolve("bookinfo/reviews.yaml"), RuleFiles.virtualService("bookinfo", "reviews", "reviews", 150));
        await().atMost(Duration.ofSeconds(2)).until(() -> !status(controlPlane).get("lastRefusal").isNull());
        JsonNode status = status(controlPlane);
        JsonNode refusal = status.get("lastRefusal");
        assertThat(refusal.get("reason").asText()).isEqualTo("INVALID");
        assertThat(refusal.get("keptVersion").asLong()).isEqualTo(1);
        assertThat(refusal.get("hash").asText()).hasSize(64).isNotEqualTo(status.get("hash").asText());
        JsonNode diagnostic = StreamSupport.stream(refusal.get("diagnostics").spliterator(), false)
                .filter(d -> d.get("severity").asText().equals("error")).findFirst().orElseThrow();
        assertThat(diagnostic.get("source").asText()).endsWith("reviews.yaml");
        assertThat(diagnostic.get("line").asInt()).isPositive();
        assertThat(diagnostic.get("field").asText() + ": " + diagnostic.get("message").asText())
                .matches("spec\\.http\\[0]\\.route\\[\\d]\\.weight: .*expected.*");
        assertThat(status.get("version").asLong()).isEqualTo(1);
        assertThat(diagnostic.get("resource").asText()).isEqualTo("VirtualService/bookinfo/reviews");

        // Nothing was sent for the refused edit: the next event the stream gets is the next valid version.
        Files.writeString(rules.resolve("bookinfo/reviews.yaml"), RuleFiles.virtualService("bookinfo", "reviews", "reviews", 70));
        stream.await(Duration.ofSeconds(2), e -> isRules(e, 2));
        assertThat(stream.typed()).extracting(SseStream.Event::id).hasSize(2);
    }

    @Test
    void reportsShowInStatus() throws IOException {
        ControlPlane controlPlane = startWithBookinfo();
        PublishedRules current = controlPlane.repository().current().orElseThrow();
        SseStream productpage = stream(controlPlane, PRODUCTPAGE);
        SseStream other = stream(controlPlane, OTHER);
        productpage.await(Duration.ofSeconds(2), e -> isRules(e, 1));
        other.await(Duration.ofSeconds(2), e -> isRules(e, 1));
        await().atMost(Duration.ofSeconds(2)).until(() -> status(controlPlane).get("workloads").size() == 2);
        JsonNode pending = status(controlPlane).get("workloads").get(0);
        assertThat(pending.get("namespace").asText()).isEqualTo("bookinfo");
        assertThat(pending.get("instance").asText()).isEqualTo("pod-1");
        assertThat(pending.get("labels")).hasToString("{\"app\":\"productpage\",\"version\":\"v1\"}");
        assertThat(pending.get("connected").asBoolean()).isTrue();
        assertThat(pending.get("sentVersion").asLong()).isEqualTo(1);
        assertThat(pending.get("sentHash").asText()).isEqualTo(current.hash());
        assertThat(pending.get("status").asText()).isEqualTo("PENDING");
        assertThat(pending.get("reportedVersion").isNull()).isTrue();
        assertThat(pending.get("reportedAt").isNull()).isTrue();

        assertThat(Http.post(controlPlane.uri(), "/v1/reports", """
                {"namespace":"bookinfo","name":"productpage-v1","instance":"pod-1","version":1,"hash":"%s","status":"ACK",
                 "unknownField":true}""".formatted(current.hash())).status()).isEqualTo(204);
        assertThat(Http.post(controlPlane.uri(), "/v1/reports", """
                {"namespace":"other","name":"client","instance":"pod-2","version":1,"hash":"%s","status":"NACK",
                 "diagnostics":[{"severity":"warning","source":"a.yaml","message":"just a warning"},
                  {"severity":"error","source":"bookinfo/reviews.yaml","line":12,"column":9,"resource":"VirtualService/bookinfo/reviews",
                   "field":"spec.http[0].route[1].weight","message":"weight: 150 (expected: 0..100)"}]}""".formatted(current.hash()))
                .status()).isEqualTo(204);

        JsonNode workloads = status(controlPlane).get("workloads");
        JsonNode acked = workloads.get(0);
        assertThat(acked.get("status").asText()).isEqualTo("ACK");
        assertThat(acked.get("reportedVersion").asLong()).isEqualTo(1);
        assertThat(acked.get("reason").isNull()).isTrue();
        assertThat(java.time.Instant.parse(acked.get("reportedAt").asText())).isBeforeOrEqualTo(java.time.Instant.parse(acked.get("lastSeen").asText()));
        JsonNode nacked = workloads.get(1);
        assertThat(nacked.get("namespace").asText()).isEqualTo("other");
        assertThat(nacked.get("status").asText()).isEqualTo("NACK");
        assertThat(nacked.get("reason").asText()).isEqualTo("bookinfo/reviews.yaml:12:9: error: VirtualService/bookinfo/reviews:"
                + " spec.http[0].route[1].weight: weight: 150 (expected: 0..100)");

        // A new version is PENDING again until reported; a closed stream shows as not connected.
        Files.writeString(rules.resolve("bookinfo/reviews.yaml"), RuleFiles.virtualService("bookinfo", "reviews", "reviews", 60));
        productpage.await(Duration.ofSeconds(2), e -> isRules(e, 2));
        other.close();
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            JsonNode now = status(controlPlane).get("workloads");
            assertThat(now.get(0).get("sentVersion").asLong()).isEqualTo(2);
            assertThat(now.get(0).get("status").asText()).isEqualTo("PENDING");
            assertThat(now.get(0).get("reportedVersion").asLong()).isEqualTo(1);
            assertThat(now.get(1).get("connected").asBoolean()).isFalse();
        });
    }

    @Test
    void aTokenIsRequiredWhenConfigured() throws IOException {
        Files.writeString(rules.resolve("reviews.yaml"), RuleFiles.virtualService("bookinfo", "reviews", "reviews", 80));
        ControlPlane controlPlane = start(ControlPlane.builder(rules).token("s3cret-token"));

        Http.Response without = Http.get(controlPlane.uri(), "/status", Map.of());
        assertThat(without.status()).isEqualTo(401);
        assertThat(without.headers().get("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(without.json().get("error").asText()).contains("Authorization");
        assertThat(Http.get(controlPlane.uri(), "/status", Map.of("Authorization", "Bearer s3cret-tokeN")).status()).isEqualTo(401);
        assertThat(Http.get(controlPlane.uri(), "/status", Map.of("Authorization", "Bearer s3cret")).status()).isEqualTo(401);
        assertThat(Http.post(controlPlane.uri(), "/v1/reports", "{}").status()).isEqualTo(401);
        assertThat(stream(controlPlane, PRODUCTPAGE).status()).isEqualTo(401);

        Map<String, String> authorized = Map.of("Authorization", "Bearer s3cret-token");
        Http.Response with = Http.get(controlPlane.uri(), "/status", authorized);
        assertThat(with.status()).isEqualTo(200);
        assertThat(with.json().get("version").asLong()).isEqualTo(1);
        SseStream stream = stream(controlPlane, PRODUCTPAGE, authorized);
        assertThat(stream.status()).isEqualTo(200);
        stream.await(Duration.ofSeconds(2), e -> isRules(e, 1));
    }

    @Test
    void refusesToListenBeyondLoopbackWithoutAToken() {
        assertThatThrownBy(() -> ControlPlane.builder(rules).host("0.0.0.0").build().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("0.0.0.0").hasMessageContaining("token");
    }

    @Test
    void listensBeyondLoopbackWithAToken() throws IOException {
        Files.writeString(rules.resolve("reviews.yaml"), RuleFiles.virtualService("bookinfo", "reviews", "reviews", 80));
        ControlPlane controlPlane = start(ControlPlane.builder(rules).host("0.0.0.0").token("t"));
        URI loopback = URI.create("http://127.0.0.1:" + controlPlane.port());

        assertThat(Http.get(loopback, "/status", Map.of()).status()).isEqualTo(401);
        assertThat(Http.get(loopback, "/status", Map.of("Authorization", "Bearer t")).status()).isEqualTo(200);
    }

    @Test
    void statusForgetsWorkloadsNeitherConnectedNorSeenForAnHour() throws IOException {
        Files.writeString(rules.resolve("reviews.yaml"), RuleFiles.virtualService("bookinfo", "reviews", "reviews", 80));
        MutableClock clock = new MutableClock();
        ControlPlane controlPlane = start(ControlPlane.builder(rules).clock(clock));
        String hash = controlPlane.repository().current().orElseThrow().hash();
        SseStream connected = stream(controlPlane, PRODUCTPAGE);
        connected.await(Duration.ofSeconds(2), e -> isRules(e, 1));
        assertThat(Http.post(controlPlane.uri(), "/v1/reports",
                "{\"namespace\":\"other\",\"name\":\"gone\",\"version\":1,\"hash\":\"" + hash + "\",\"status\":\"ACK\"}").status())
                .isEqualTo(204);
        JsonNode both = status(controlPlane).get("workloads");
        assertThat(both).hasSize(2);
        assertThat(both.get(1).get("instance").asText()).as("instance defaults to the name").isEqualTo("gone");
        assertThat(both.get(1).get("connected").asBoolean()).isFalse();
        assertThat(both.get(1).get("status").asText()).isEqualTo("ACK");
        assertThat(both.get(1).get("lastSeen").asText()).isEqualTo(clock.instant().toString());

        clock.advance(Duration.ofMinutes(59));
        assertThat(status(controlPlane).get("workloads")).hasSize(2);
        clock.advance(Duration.ofMinutes(2));
        JsonNode left = status(controlPlane).get("workloads");
        assertThat(left).hasSize(1);
        assertThat(left.get(0).get("name").asText()).as("connected workloads stay").isEqualTo("productpage-v1");
    }

    @Test
    void aHeaderOver8KiBIsRefused() throws IOException {
        ControlPlane controlPlane = startWithBookinfo();

        Http.Response response = Http.get(controlPlane.uri(), "/status", Map.of("X-Padding", "x".repeat(9000)));

        assertThat(response.status()).isIn(400, 413, 431);
    }

    @Test
    void closingTheControlPlaneEndsOpenStreams() throws IOException {
        ControlPlane controlPlane = startWithBookinfo();
        SseStream stream = stream(controlPlane, PRODUCTPAGE);
        stream.await(Duration.ofSeconds(2), e -> isRules(e, 1));

        controlPlane.close();

        await().atMost(Duration.ofSeconds(2)).until(stream::ended);
    }

    @Test
    void sendsHeartbeatsWhenNothingElseIsWritten() throws IOException {
        Files.writeString(rules.resolve("reviews.yaml"), RuleFiles.virtualService("bookinfo", "reviews", "reviews", 80));
        ControlPlane controlPlane = start(ControlPlane.builder(rules).heartbeat(Duration.ofMillis(200)));
        SseStream stream = stream(controlPlane, PRODUCTPAGE);
        long connectedAt = System.currentTimeMillis();

        SseStream.Event heartbeat = stream.await(Duration.ofSeconds(2), e -> !e.comments().isEmpty());
        assertThat(heartbeat.comments().get(0)).matches("heartbeat \\d{13}");
        assertThat(Long.parseLong(heartbeat.comments().get(0).substring("heartbeat ".length()))).isGreaterThanOrEqualTo(connectedAt);
        await().atMost(Duration.ofSeconds(2)).until(() -> stream.events().stream().filter(e -> !e.comments().isEmpty()).count() >= 3);
    }

    @Test
    void aStreamBeforeTheFirstValidVersionGetsItWhenPublished() throws IOException {
        Files.writeString(rules.resolve("reviews.yaml"), RuleFiles.virtualService("bookinfo", "reviews", "reviews", 150));
        ControlPlane controlPlane = start(ControlPlane.builder(rules));
        assertThat(status(controlPlane).get("version").isNull()).isTrue();
        assertThat(status(controlPlane).get("lastRefusal").get("keptVersion").asLong()).isZero();
        SseStream stream = stream(controlPlane, PRODUCTPAGE);
        assertThat(stream.status()).isEqualTo(200);

        Files.writeString(rules.resolve("reviews.yaml"), RuleFiles.virtualService("bookinfo", "reviews", "reviews", 100));
        stream.await(Duration.ofSeconds(2), e -> isRules(e, 1));
        assertThat(stream.raw()).startsWith("retry: 1000\n\nid: 1:");
    }

    @Test
    void badParametersAndBadReportsGet400() throws IOException {
        ControlPlane controlPlane = startWithBookinfo();
        assertBadRequest(Http.get(controlPlane.uri(), "/v1/rules?name=productpage-v1", Map.of()), "namespace: missing");
        assertBadRequest(Http.get(controlPlane.uri(), "/v1/rules?namespace=Book_Info&name=x", Map.of()), "DNS-1123 label");
        assertBadRequest(Http.get(controlPlane.uri(), "/v1/rules?namespace=bookinfo", Map.of()), "name: missing");
        assertBadRequest(Http.get(controlPlane.uri(), "/v1/rules?namespace=bookinfo&name=a&labels=app", Map.of()), "labels");
        assertBadRequest(Http.get(controlPlane.uri(), "/v1/rules?namespace=bookinfo&name=a&labels=a%3D1%2Ca%3D2", Map.of()),
                "given twice");
        assertBadRequest(Http.get(controlPlane.uri(), "/v1/rules?namespace=a&namespace=b&name=a", Map.of()), "once");

        String hash = controlPlane.repository().current().orElseThrow().hash();
        assertBadRequest(Http.post(controlPlane.uri(), "/v1/reports", "not json"), "not JSON");
        assertBadRequest(Http.post(controlPlane.uri(), "/v1/reports", "[]"), "not a JSON object");
        assertBadRequest(Http.post(controlPlane.uri(), "/v1/reports",
                "{\"namespace\":\"bookinfo\",\"name\":\"a\",\"version\":1,\"hash\":\"" + hash + "\",\"status\":\"MAYBE\"}"),
                "status: \"MAYBE\" (expected: ACK or NACK)");
        assertBadRequest(Http.post(controlPlane.uri(), "/v1/reports",
                "{\"namespace\":\"bookinfo\",\"name\":\"a\",\"version\":1,\"status\":\"ACK\"}"), "hash: missing");
        assertBadRequest(Http.post(controlPlane.uri(), "/v1/reports",
                "{\"namespace\":\"bookinfo\",\"name\":\"a\",\"version\":0,\"hash\":\"" + hash + "\",\"status\":\"ACK\"}"), "version: 0");
        assertBadRequest(Http.post(controlPlane.uri(), "/v1/reports",
                "{\"namespace\":\"bookinfo\",\"name\":\"a\",\"version\":1,\"hash\":\"" + hash + "\",\"status\":\"NACK\","
                        + "\"diagnostics\":[{\"severity\":\"error\",\"message\":\"m\"}]}"), "diagnostics[0]: source: missing");

        byte[] huge = ("{\"pad\":\"" + "x".repeat(io.inmesh.controlplane.internal.HttpApi.MAX_REPORT_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
        Http.Response tooLarge = Http.post(controlPlane.uri(), "/v1/reports", Map.of(), huge);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(status(controlPlane).get("workloads")).isEmpty();
    }

    private static void assertBadRequest(Http.Response response, String expected) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(response.json().get("error").asText()).contains(expected);
    }

    private static JsonNode status(ControlPlane controlPlane) {
        Http.Response response = Http.get(controlPlane.uri(), "/status", Map.of());
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().get("Content-Type")).isEqualTo("application/json");
        return response.json();
    }
}
