package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.source.ControlPlaneConfigSource;
import io.inmesh.core.testing.BlockHoundExtension;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A mesh whose rules come from a control plane over HTTP (server-sent events) routes real calls by
 * them: a new version moves traffic within a second, and an invalid one is NACKed while traffic keeps
 * following the rules in force. The control plane here is a stub of a few lines on a loopback socket;
 * mesh-core's {@code ControlPlaneConfigSourceIT} covers the protocol itself.
 */
@ExtendWith(BlockHoundExtension.class)
class ControlPlaneRoutingIT {

    private static final String URL = "http://reviews.bookinfo.svc.cluster.local:9080/reviews/1";

    private UpstreamWorkload v1;
    private UpstreamWorkload v2;
    private Stub controlPlane;

    @BeforeEach
    void start() {
        v1 = UpstreamWorkload.start("reviews-v1", "reviews", "v1");
        v2 = UpstreamWorkload.start("reviews-v2", "reviews", "v2");
        controlPlane = new Stub();
    }

    @AfterEach
    void stop() {
        controlPlane.close();
        v1.close();
        v2.close();
    }

    @Test
    void callsFollowTheVersionsTheControlPlanePublishes() {
        controlPlane.publish(1, Yaml.serviceEntry("reviews"), v1.workloadEntry(), v2.workloadEntry(), Yaml.reviewsSubsets(), to("v1"));
        LocalWorkload productpage = LocalWorkload.of("productpage-v1", Yaml.NAMESPACE, Map.of("app", "productpage", "version", "v1"));
        ControlPlaneConfigSource source = ControlPlaneConfigSource.connect(List.of(controlPlane.url()), productpage,
                ControlPlaneConfigSource.Options.defaults().instance("pod-1"));
        try (Mesh mesh = Mesh.builder().workload(productpage).configSource(source).build()) {
            mesh.ready().block(Meshes.WAIT);
            assertThat(Meshes.get(mesh, URL)).isEqualTo("reviews-v1");

            controlPlane.publish(2, Yaml.serviceEntry("reviews"), v1.workloadEntry(), v2.workloadEntry(), Yaml.reviewsSubsets(), to("v2"));
            await().atMost(Duration.ofSeconds(1)).until(() -> Meshes.get(mesh, URL).equals("reviews-v2"));

            // Version 3 has a negative weight: refused, and calls keep going to v2.
            controlPlane.publish(3, Yaml.serviceEntry("reviews"), v1.workloadEntry(), v2.workloadEntry(), Yaml.reviewsSubsets(), to("v1").replace("subset: v1",
                    "subset: v1\n      weight: -1"));
            await().atMost(Meshes.WAIT).until(() -> controlPlane.reports.stream().anyMatch(r -> r.contains("\"version\":3,")));
            assertThat(controlPlane.reports).anyMatch(r -> r.contains("\"version\":1,") && r.contains("\"status\":\"ACK\""))
                    .anyMatch(r -> r.contains("\"version\":2,") && r.contains("\"status\":\"ACK\""))
                    .anyMatch(r -> r.contains("\"version\":3,") && r.contains("\"status\":\"NACK\"") && r.contains("weight"));
            for (int i = 0; i < 20; i++) {
                assertThat(Meshes.get(mesh, URL)).isEqualTo("reviews-v2");
            }
            assertThat(v1.requests() + v2.requests()).isGreaterThan(20);
        }
    }

    private static String to(String subset) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts:
                  - reviews.bookinfo.svc.cluster.local
                  http:
                  - route:
                    - destination:
                        host: reviews.bookinfo.svc.cluster.local
                        subset: %s
                """.formatted(subset);
    }

    /** Serves the current version as a rules event on /v1/rules, pushes later ones, records reports. */
    private static final class Stub implements AutoCloseable {
        final List<String> reports = new CopyOnWriteArrayList<>();
        private final Sinks.Many<String> events = Sinks.many().replay().latest();
        private final DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes
                        .get("/v1/rules", (request, response) -> response.header("Content-Type", "text/event-stream")
                                .sendString(events.asFlux()))
                        .post("/v1/reports", (request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8)
                                .flatMap(json -> {
                                    reports.add(json);
                                    return response.status(HttpResponseStatus.NO_CONTENT).send().then();
                                })))
                .bindNow();

        URI url() {
            return URI.create("http://127.0.0.1:" + server.port() + "/");
        }

        synchronized void publish(long version, String... documents) {
            String hash = sha256(version + String.join("\n", documents));
            StringWriter data = new StringWriter();
            try (JsonGenerator json = new JsonFactory().createGenerator(data)) {
                json.writeStartObject();
                json.writeNumberField("version", version);
                json.writeStringField("hash", hash);
                json.writeArrayFieldStart("documents");
                for (int i = 0; i < documents.length; i++) {
                    json.writeStartObject();
                    json.writeStringField("origin", "rules-" + i + ".yaml");
                    json.writeNumberField("firstLine", 1);
                    json.writeStringField("yaml", documents[i]);
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            events.tryEmitNext("id: " + version + ":" + hash + "\nevent: rules\ndata: " + data + "\n\n");
        }

        private static String sha256(String text) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            events.tryEmitComplete();
            server.disposeNow();
        }
    }
}
