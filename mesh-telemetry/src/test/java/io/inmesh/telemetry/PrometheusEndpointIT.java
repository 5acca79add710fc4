package io.inmesh.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inmesh.core.testing.BlockHoundExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scrape endpoint of {@link MeshTelemetry#prometheus(int)} after a Bookinfo chain: Istio's
 * names as Prometheus sees them, and an exposition that Prometheus's own linter, {@code promtool
 * check metrics} (Debian's {@code prometheus} package, which {@code .ci/run} installs), accepts
 * without a problem.
 */
@ExtendWith(BlockHoundExtension.class)
class PrometheusEndpointIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Map<String, MeshTelemetry> telemetries = new HashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final int port = freePort();
    private Bookinfo bookinfo;

    @BeforeEach
    void start() {
        // Every workload of the JVM asks for the same port: they share one endpoint.
        bookinfo = new Bookinfo(workload -> telemetries.computeIfAbsent(workload, name -> MeshTelemetry.prometheus(port).build()));
    }

    @AfterEach
    void stop() {
        bookinfo.close();
    }

    @Test
    void prometheusScrapesIstiosNamesAndPromtoolFindsNoProblem() throws Exception {
        assertThat(bookinfo.productpage.client().post(Bookinfo.REVIEWS).body("0123456789").retrieve().block(WAIT)).startsWith("reviews with");
        assertThat(bookinfo.productpage.client().get(Bookinfo.DETAILS.replace("/details/0", "/fail")).exchange()
                .flatMap(response -> response.bodyAsString().thenReturn(response.status())).block(WAIT)).isEqualTo(503);

        String productpage = scrape("productpage-v1");
        Files.writeString(Path.of("target", "productpage-metrics.prom"), productpage); // a sample to read, as in the README
        assertThat(productpage)
                .contains("# TYPE istio_requests_total counter")
                .containsPattern("istio_requests_total\\{[^}]*reporter=\"source\"[^}]*\\} 1")
                .contains("destination_service_name=\"reviews\"")
                .contains("# TYPE istio_request_duration_milliseconds histogram")
                .contains("istio_request_duration_milliseconds_bucket{")
                .contains("le=\"3600000.0\"")
                .contains("istio_request_duration_milliseconds_sum{")
                .contains("istio_request_duration_milliseconds_count{")
                .contains("istio_request_bytes_bucket{", "istio_request_bytes_sum{", "istio_response_bytes_count{")
                .contains("inmesh_config_version{", "inmesh_config_staleness_seconds{", "inmesh_config_rejections_total{")
                .doesNotContain("otel_scope_name", "target_info");
        // Istio's label set on the caller's side, in full (Prometheus sorts nothing; the exporter writes labels by name).
        assertThat(productpage).containsPattern("istio_requests_total\\{connection_security_policy=\"unknown\",destination_app=\"reviews\","
                + "destination_cluster=\"Kubernetes\",destination_principal=\"unknown\",destination_service=\"reviews.bookinfo.svc.cluster.local\","
                + "destination_service_name=\"reviews\",destination_service_namespace=\"bookinfo\",destination_version=\"v2\","
                + "destination_workload=\"reviews-v2\",destination_workload_namespace=\"bookinfo\",reporter=\"source\",request_protocol=\"http\","
                + "response_code=\"200\",response_flags=\"-\",source_app=\"productpage\",source_principal=\"unknown\",source_version=\"v1\","
                + "source_workload=\"productpage-v1\",source_workload_namespace=\"bookinfo\"\\} 1");

        // One endpoint for the JVM: every workload's series, told apart by their labels.
        for (String workload : new String[] {"reviews-v2", "ratings-v1", "details-v1"}) {
            assertThat(telemetries.get(workload).prometheusUrl()).contains("http://127.0.0.1:" + port + "/metrics");
            assertThat(productpage).contains("destination_workload=\"" + workload + "\"")
                    .contains("inmesh_config_version{origin=\"source\"").contains("workload=\"" + workload + "\"");
        }
        assertThat(productpage).containsPattern("reporter=\"destination\"[^}]*source_workload=\"reviews-v2\"");

        Lint lint = promtool(productpage);
        // Exit 1 would be an exposition Prometheus cannot parse; 3 means lint problems, and the only one
        // allowed is Istio's own name, which Istio's dashboards query and so must stay as it is.
        assertThat(lint.problems()).as("promtool check metrics: problems").isEmpty();
        assertThat(lint.exitCode()).as("promtool's exit code: %s", lint.output())
                .isEqualTo(lint.output().contains(ISTIO_DURATION_UNIT_LINT) ? 3 : 0);
    }

    @Test
    void theSharedEndpointStopsWhenTheLastMeshCloses() throws Exception {
        assertThat(scrape("productpage-v1")).contains("inmesh_config_version{");
        bookinfo.productpage.close();
        assertThat(scrape("reviews-v2")).as("the other workloads still use it").contains("inmesh_config_version{");
        bookinfo.close();
        assertThatThrownBy(() -> scrape("reviews-v2")).isInstanceOf(IOException.class);
    }

    @Test
    void aPortOutOfRangeIsRefusedWithTheRange() {
        assertThatThrownBy(() -> MeshTelemetry.prometheus(0)).hasMessage("port: 0 (expected: 1..65535)");
        assertThatThrownBy(() -> MeshTelemetry.prometheusFrom("metrics"))
                .hasMessage("INMESH_PROMETHEUS_PORT: 'metrics' (expected: a port number, 1..65535)");
        assertThat(MeshTelemetry.prometheusFrom(" ")).isEmpty();
        assertThat(MeshTelemetry.prometheusFrom("9464")).isPresent();
    }

    private String scrape(String workload) throws IOException, InterruptedException {
        String url = telemetries.get(workload).prometheusUrl().orElseThrow();
        assertThat(url).startsWith("http://127.0.0.1:").endsWith("/metrics");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/plain; version=0.0.4");
        return response.body();
    }

    /**
     * promtool's only finding in Istio's own exposition as well: Prometheus's convention is seconds,
     * Istio's metric is named in milliseconds.
     */
    private static final String ISTIO_DURATION_UNIT_LINT = "istio_request_duration_milliseconds use base unit \"seconds\" instead of \"milliseconds\"";

    private record Lint(int exitCode, String output) {
        List<String> problems() {
            return output.lines().filter(line -> !line.isBlank() && !line.equals(ISTIO_DURATION_UNIT_LINT)).toList();
        }
    }

    private static Lint promtool(String exposition) throws IOException, InterruptedException {
        Path promtool = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator))
                .map(directory -> Path.of(directory, "promtool")).filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(promtool != null,
                "promtool is not on the PATH (Debian's prometheus package; .ci/run installs it): the exposition was not linted");
        Process process = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var stdin = process.getOutputStream()) {
            stdin.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Lint(process.exitValue(), output);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
