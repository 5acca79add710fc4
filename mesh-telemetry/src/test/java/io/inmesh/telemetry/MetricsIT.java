package io.inmesh.telemetry;

import static io.inmesh.telemetry.Bookinfo.DETAILS;
import static io.inmesh.telemetry.Bookinfo.REVIEWS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.source.ConfigSource;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.testing.BlockHoundExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Istio's standard metrics and the mesh's own, read with the SDK's in-memory reader after real
 * calls on loopback: exact names, units, buckets and full label sets on both reporters for
 * productpage → reviews → ratings (whose first try is retried), an injected fault, an overflow and
 * retries exhausted.
 */
@ExtendWith(BlockHoundExtension.class)
class MetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final List<Double> ENVOY_BUCKETS = List.of(0.5, 1d, 5d, 10d, 25d, 50d, 100d, 250d, 500d, 1000d, 2500d, 5000d,
            10000d, 30000d, 60000d, 300000d, 600000d, 1800000d, 3600000d);

    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
    private Bookinfo bookinfo;
    private final Map<String, MeshTelemetry> telemetries = new LinkedHashMap<>();

    @BeforeEach
    void start() {
        bookinfo = new Bookinfo(workload -> telemetries.computeIfAbsent(workload,
                name -> MeshTelemetry.builder(sdk).tracing(false).build()));
    }

    @AfterEach
    void stop() {
        bookinfo.close();
        sdk.close();
    }

    @Test
    void aBookinfoChainIsReportedByBothSidesWithIstiosNamesUnitsAndLabels() {
        String body = bookinfo.productpage.client().post(REVIEWS).body("0123456789").retrieve().block(WAIT);
        assertThat(body).isEqualTo("reviews with {\"stars\":5}");

        // 2 calls on each of productpage→reviews (source, destination), reviews→ratings (source, and 2 tries at the destination).
        await().atMost(WAIT).untilAsserted(() -> assertThat(sum(metric("istio_requests_total"))).isEqualTo(5));

        MetricData requests = metric("istio_requests_total");
        assertThat(requests.getUnit()).isEqualTo("{request}");
        assertThat(requests.getInstrumentationScopeInfo().getName()).isEqualTo("io.inmesh.telemetry");
        Map<String, String> productpageToReviews = labels("productpage-v1", "reviews-v2", "200", "-");
        assertThat(labelSets(requests)).contains(
                source(productpageToReviews),
                destination(productpageToReviews),
                source(labels("reviews-v2", "ratings-v1", "200", "-")),
                destination(labels("reviews-v2", "ratings-v1", "200", "-")),
                destination(labels("reviews-v2", "ratings-v1", "503", "-")));
        assertThat(labelSets(requests)).hasSize(5);

        MetricData duration = metric("istio_request_duration_milliseconds");
        assertThat(duration.getUnit()).isEqualTo("ms");
        HistogramPointData productpageDuration = histogram(duration, source(productpageToReviews));
        assertThat(productpageDuration.getBoundaries()).isEqualTo(ENVOY_BUCKETS);
        assertThat(productpageDuration.getCount()).isEqualTo(1);
        assertThat(productpageDuration.getSum()).isPositive();

        MetricData requestBytes = metric("istio_request_bytes");
        assertThat(requestBytes.getUnit()).isEqualTo("By");
        assertThat(histogram(requestBytes, source(productpageToReviews)).getSum()).isEqualTo(10);
        assertThat(histogram(requestBytes, destination(productpageToReviews)).getSum()).isEqualTo(10);
        assertThat(histogram(requestBytes, source(productpageToReviews)).getBoundaries()).isEqualTo(ENVOY_BUCKETS);
        MetricData responseBytes = metric("istio_response_bytes");
        assertThat(responseBytes.getUnit()).isEqualTo("By");
        assertThat(histogram(responseBytes, source(productpageToReviews)).getSum()).isEqualTo(body.length());
        assertThat(histogram(responseBytes, destination(labels("reviews-v2", "ratings-v1", "503", "-"))).getSum()).isEqualTo(4);

        // The retried try to ratings: one retry, counted by the caller.
        MetricData retries = metric("inmesh_retries_total");
        assertThat(retries.getUnit()).isEqualTo("{retry}");
        assertThat(longValue(retries, Map.of("source_workload", "reviews-v2", "source_workload_namespace", "bookinfo",
                "destination_service", "ratings.bookinfo.svc.cluster.local"))).isEqualTo(1);

        // The mesh's own gauges, one series per mesh.
        MetricData version = metric("inmesh_config_version");
        assertThat(version.getLongGaugeData().getPoints()).hasSize(4)
                .allSatisfy(point -> assertThat(point.getAttributes().get(AttributeKey.stringKey("origin"))).isEqualTo("source"));
        MetricData staleness = metric("inmesh_config_staleness");
        assertThat(staleness.getUnit()).isEqualTo("s");
        assertThat(staleness.getDoubleGaugeData().getPoints()).hasSize(4);
        assertThat(telemetries.values()).allSatisfy(telemetry -> assertThat(telemetry.failures()).isZero());
    }

    @Test
    void anInjectedFaultIsReportedByTheSourceOnlyWithFlagFiAndCounted() {
        bookinfo.push(Bookinfo.abortingDetails());
        MeshResponse response = bookinfo.productpage.client().get(DETAILS).exchange().block(WAIT);
        assertThat(response.status()).isEqualTo(503);
        response.bodyAsString().block(WAIT);

        await().atMost(WAIT).untilAsserted(() -> assertThat(labelSets(metric("istio_requests_total")))
                .containsExactly(source(withUnknownDestination(labels("productpage-v1", "details-v1", "503", "FI")))));
        assertThat(longValue(metric("inmesh_faults_injected_total"), Map.of("source_workload", "productpage-v1",
                "source_workload_namespace", "bookinfo", "destination_service", "details.bookinfo.svc.cluster.local", "fault", "abort")))
                .isEqualTo(1);
    }

    @Test
    void anInjectedDelayIsReportedByBothSidesWithFlagDiOnTheSourceAndCounted() {
        bookinfo.push(Bookinfo.delayingDetails());
        assertThat(bookinfo.productpage.client().get(DETAILS).retrieve().block(WAIT)).isEqualTo("details");

        await().atMost(WAIT).untilAsserted(() -> assertThat(labelSets(metric("istio_requests_total"))).containsExactlyInAnyOrder(
                source(labels("productpage-v1", "details-v1", "200", "DI")),
                destination(labels("productpage-v1", "details-v1", "200", "-"))));
        assertThat(histogram(metric("istio_request_duration_milliseconds"), source(labels("productpage-v1", "details-v1", "200", "DI")))
                .getSum()).as("the delay is part of the caller's duration").isGreaterThanOrEqualTo(20);
        assertThat(longValue(metric("inmesh_faults_injected_total"), Map.of("source_workload", "productpage-v1",
                "source_workload_namespace", "bookinfo", "destination_service", "details.bookinfo.svc.cluster.local", "fault", "delay")))
                .isEqualTo(1);
    }

    @Test
    void anOverflowIsReportedWithFlagUoAndCounted() {
        bookinfo.push(Bookinfo.oneRequestAtATimeToDetails());
        Mono<String> held = bookinfo.productpage.client().get(DETAILS.replace("/details/0", "/slow")).retrieve().cache();
        held.subscribe();
        await().atMost(WAIT).until(() -> bookinfo.slowRequestsHeld() == 1);
        Throwable refused = bookinfo.productpage.client().get(DETAILS).retrieve().then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just).block(WAIT);
        assertThat(refused).isInstanceOf(MeshException.class);
        // While the one request allowed is held, the breaker for requests to details is open.
        Map<String, String> detailsRequests = Map.of("workload", "productpage-v1", "workload_namespace", "bookinfo",
                "cluster_name", "outbound|9080||details.bookinfo.svc.cluster.local", "resource", "requests");
        assertThat(gaugeValue(metric("inmesh_circuit_breakers_open"), detailsRequests)).isEqualTo(1);
        assertThat(gaugeValue(metric("inmesh_circuit_breakers_open"), Map.of("workload", "productpage-v1",
                "workload_namespace", "bookinfo", "cluster_name", "outbound|9080||details.bookinfo.svc.cluster.local",
                "resource", "connections"))).isZero();
        bookinfo.releaseSlow();
        assertThat(held.block(WAIT)).isEqualTo("slow details");
        await().atMost(WAIT).untilAsserted(() -> assertThat(gaugeValue(metric("inmesh_circuit_breakers_open"), detailsRequests)).isZero());

        await().atMost(WAIT).untilAsserted(() -> assertThat(labelSets(metric("istio_requests_total"))).contains(
                source(withUnknownDestination(labels("productpage-v1", "details-v1", "503", "UO"))),
                source(labels("productpage-v1", "details-v1", "200", "-"))));
        assertThat(longValue(metric("inmesh_upstream_overflows_total"), Map.of("source_workload", "productpage-v1",
                "source_workload_namespace", "bookinfo", "destination_service", "details.bookinfo.svc.cluster.local"))).isEqualTo(1);
    }

    @Test
    void retriesExhaustedAreReportedWithFlagUrxAndEveryRetryIsCounted() {
        bookinfo.push(Bookinfo.retrying("details", 2));
        MeshResponse response = bookinfo.productpage.client().get(DETAILS.replace("/details/0", "/fail")).exchange().block(WAIT);
        assertThat(response.status()).isEqualTo(503);
        response.bodyAsString().block(WAIT);

        await().atMost(WAIT).untilAsserted(() -> assertThat(labelSets(metric("istio_requests_total"))).contains(
                source(labels("productpage-v1", "details-v1", "503", "URX")),
                destination(labels("productpage-v1", "details-v1", "503", "-"))));
        assertThat(longValue(metric("istio_requests_total"), destination(labels("productpage-v1", "details-v1", "503", "-"))))
                .as("the first try and 2 retries reached details").isEqualTo(3);
        assertThat(longValue(metric("inmesh_retries_total"), Map.of("source_workload", "productpage-v1",
                "source_workload_namespace", "bookinfo", "destination_service", "details.bookinfo.svc.cluster.local"))).isEqualTo(2);
    }

    @Test
    void aRefusedConfigurationIsCountedAndTheRulesInForceKeepTheirVersion() {
        Sinks.Many<MeshConfig.LoadResult> updates = Sinks.many().replay().all();
        ConfigSource source = new ConfigSource() {
            @Override
            public Flux<MeshConfig.LoadResult> updates() {
                return updates.asFlux();
            }

            @Override
            public String describe() {
                return "a source that offers a bad configuration";
            }

            @Override
            public void close() {
            }
        };
        updates.tryEmitNext(MeshConfig.load("good.yaml", Bookinfo.retrying("ratings", 2)));
        try (Mesh mesh = Mesh.builder().workload(LocalWorkload.of("config-v1", "bookinfo", Map.of("app", "config"))).configSource(source)
                .extension(MeshTelemetry.builder(sdk).tracing(false).build()).build()) {
            String before = mesh.rulesStatus().version();
            assertThat(before).isNotNull();
            updates.tryEmitNext(MeshConfig.load("bad.yaml", Bookinfo.retrying("ratings", 2).replace("attempts: 2", "attempts: -5")));
            await().atMost(WAIT).until(() -> mesh.rejectedConfigurations() == 1);

            Map<String, String> self = Map.of("workload", "config-v1", "workload_namespace", "bookinfo");
            assertThat(longValue(metric("inmesh_config_rejections_total"), self)).isEqualTo(1);
            assertThat(asMap(metric("inmesh_config_version").getLongGaugeData().getPoints().stream()
                    .filter(point -> "config-v1".equals(point.getAttributes().get(AttributeKey.stringKey("workload"))))
                    .findFirst().orElseThrow().getAttributes()))
                    .isEqualTo(Map.of("workload", "config-v1", "workload_namespace", "bookinfo", "version", before, "origin", "source"));
        }
        // A closed mesh is no longer reported.
        assertThat(metric("inmesh_config_version").getLongGaugeData().getPoints())
                .noneMatch(point -> "config-v1".equals(point.getAttributes().get(AttributeKey.stringKey("workload"))));
    }

    // --- reading what the reader collected

    private MetricData metric(String name) {
        Collection<MetricData> all = reader.collectAllMetrics();
        return all.stream().filter(metric -> metric.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " among " + all.stream().map(MetricData::getName).toList()));
    }

    private static long sum(MetricData counter) {
        return counter.getLongSumData().getPoints().stream().mapToLong(LongPointData::getValue).sum();
    }

    private static List<Map<String, String>> labelSets(MetricData metric) {
        return metric.getData().getPoints().stream().map(PointData::getAttributes).map(MetricsIT::asMap).toList();
    }

    private static HistogramPointData histogram(MetricData metric, Map<String, String> labels) {
        return metric.getHistogramData().getPoints().stream().filter(point -> asMap(point.getAttributes()).equals(labels)).findFirst()
                .orElseThrow(() -> new AssertionError("no point " + labels + " in " + labelSets(metric)));
    }

    private static long longValue(MetricData metric, Map<String, String> labels) {
        return metric.getLongSumData().getPoints().stream().filter(point -> asMap(point.getAttributes()).equals(labels)).findFirst()
                .map(LongPointData::getValue)
                .orElseThrow(() -> new AssertionError("no point " + labels + " in " + labelSets(metric)));
    }

    private static long gaugeValue(MetricData metric, Map<String, String> labels) {
        return metric.getLongGaugeData().getPoints().stream().filter(point -> asMap(point.getAttributes()).equals(labels)).findFirst()
                .map(LongPointData::getValue)
                .orElseThrow(() -> new AssertionError("no point " + labels + " in " + labelSets(metric)));
    }

    private static Map<String, String> asMap(Attributes attributes) {
        Map<String, String> map = new TreeMap<>();
        attributes.forEach((key, value) -> map.put(key.getKey(), String.valueOf(value)));
        return map;
    }

    /** Istio's labels of a call between two Bookinfo workloads, less reporter and security policy. */
    private static Map<String, String> labels(String source, String destination, String code, String flags) {
        String sourceApp = source.substring(0, source.lastIndexOf('-'));
        String destinationApp = destination.substring(0, destination.lastIndexOf('-'));
        Map<String, String> labels = new TreeMap<>();
        labels.put("source_workload", source);
        labels.put("source_workload_namespace", "bookinfo");
        labels.put("source_principal", "unknown");
        labels.put("source_app", sourceApp);
        labels.put("source_version", source.substring(source.lastIndexOf('-') + 1));
        labels.put("destination_workload", destination);
        labels.put("destination_workload_namespace", "bookinfo");
        labels.put("destination_principal", "unknown");
        labels.put("destination_app", destinationApp);
        labels.put("destination_version", destination.substring(destination.lastIndexOf('-') + 1));
        labels.put("destination_service", destinationApp + ".bookinfo.svc.cluster.local");
        labels.put("destination_service_name", destinationApp);
        labels.put("destination_service_namespace", "bookinfo");
        labels.put("destination_cluster", "Kubernetes");
        labels.put("request_protocol", "http");
        labels.put("response_code", code);
        labels.put("response_flags", flags);
        return labels;
    }

    /** No workload answered (the mesh answered for it): Istio knows the service, not the workload. */
    private static Map<String, String> withUnknownDestination(Map<String, String> labels) {
        Map<String, String> copy = new TreeMap<>(labels);
        for (String key : List.of("destination_workload", "destination_workload_namespace", "destination_app", "destination_version",
                "destination_cluster")) {
            copy.put(key, "unknown");
        }
        return copy;
    }

    private static Map<String, String> source(Map<String, String> labels) {
        Map<String, String> copy = new TreeMap<>(labels);
        copy.put("reporter", "source");
        copy.put("connection_security_policy", "unknown");
        return copy;
    }

    private static Map<String, String> destination(Map<String, String> labels) {
        Map<String, String> copy = new TreeMap<>(labels);
        copy.put("reporter", "destination");
        copy.put("connection_security_policy", "none");
        return copy;
    }
}
