package io.inmesh.telemetry.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.MeshSnapshot;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.PeerIdentity;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.registry.ServiceRegistry;
import io.inmesh.core.telemetry.CallRecord;
import io.inmesh.telemetry.internal.CompletedCall;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The label values Istio gives the cases the Bookinfo chain does not show, and the cached label sets. */
class MetricsObserverTest {

    private static final LocalWorkload REVIEWS = new LocalWorkload("reviews-v2", "bookinfo",
            Map.of("app.kubernetes.io/name", "reviews", "app.kubernetes.io/version", "v2"), "bookinfo-reviews");
    private static final MeshSnapshot SNAPSHOT = snapshot("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: external-api
              namespace: egress
            spec:
              hosts:
              - api.example.com
              ports:
              - number: 443
                name: https
                protocol: HTTPS
              resolution: DNS
            """);

    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
    private final MetricsObserver observer = new MetricsObserver(meters.get(MetricNames.SCOPE));

    @AfterEach
    void close() {
        meters.close();
    }

    @Test
    void aServiceEntryHostIsItsOwnServiceNameInTheServiceEntrysNamespace() {
        observer.onEnd(outbound("https://api.example.com/v1", "api.example.com", 200, Set.of()));

        assertThat(onlyLabels()).containsEntry("destination_service", "api.example.com")
                .containsEntry("destination_service_name", "api.example.com")
                .containsEntry("destination_service_namespace", "egress")
                .containsEntry("destination_workload", "unknown")
                .containsEntry("destination_cluster", "unknown")
                .containsEntry("source_app", "reviews")
                .containsEntry("source_version", "v2");
    }

    @Test
    void aHostTheMeshDoesNotKnowIsReportedAsIstiosPassthrough() {
        observer.onEnd(outbound("http://example.org/", "example.org", 200, Set.of()));

        assertThat(onlyLabels()).containsEntry("destination_service", "example.org")
                .containsEntry("destination_service_name", "PassthroughCluster")
                .containsEntry("destination_service_namespace", "unknown");
    }

    @Test
    void aGrpcCallServedToAVerifiedPeerIsGrpcOverMutualTlsWithBothPrincipals() {
        MeshRequest request = MeshRequest.builder(HttpMethod.POST, "http://reviews:9080/bookinfo.Reviews/Get")
                .header("content-type", "application/grpc+proto")
                .attribute(PeerIdentity.KEY, new PeerIdentity("productpage-v1", "bookinfo", Map.of("app", "productpage"), "bookinfo-productpage", true))
                .build();
        observer.onEnd(call(new CallRecord(CallRecord.Direction.INBOUND, 0, Instant.EPOCH), request, 200, Set.of()));

        assertThat(onlyLabels()).containsEntry("reporter", "destination")
                .containsEntry("request_protocol", "grpc")
                .containsEntry("connection_security_policy", "mutual_tls")
                .containsEntry("source_principal", "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage")
                .containsEntry("source_version", "unknown")
                .containsEntry("destination_workload", "reviews-v2")
                .containsEntry("destination_service", "reviews.bookinfo.svc.cluster.local")
                .containsEntry("destination_service_name", "reviews")
                .containsEntry("destination_principal", "unknown");
    }

    @Test
    void aCallerWhoDidNotDeclareItselfIsUnknownAndAnAddressNamesNoService() {
        MeshRequest request = MeshRequest.builder(HttpMethod.GET, "http://127.0.0.1:9080/reviews/0").build();
        observer.onEnd(call(new CallRecord(CallRecord.Direction.INBOUND, 0, Instant.EPOCH), request, 0, Set.of()));

        Map<String, String> labels = onlyLabels();
        assertThat(labels).containsEntry("source_workload", "unknown").containsEntry("source_workload_namespace", "unknown")
                .containsEntry("source_app", "unknown").containsEntry("destination_service", "unknown")
                .containsEntry("response_code", "0").containsEntry("connection_security_policy", "none");
        assertThat(labels).hasSize(19);
    }

    @Test
    void callsWithTheSameLabelsShareOneSeriesAndFlagsAreWrittenAsEnvoyWritesThem() {
        for (int i = 0; i < 3; i++) {
            observer.onEnd(outbound("http://example.org/", "example.org", 503, Set.of(ResponseFlag.URX, ResponseFlag.UO)));
        }
        MetricData requests = metric(MetricNames.REQUESTS);
        assertThat(requests.getLongSumData().getPoints()).singleElement().extracting(LongPointData::getValue).isEqualTo(3L);
        assertThat(onlyLabels()).containsEntry("response_flags", "UO,URX");
        assertThat(metric(MetricNames.UPSTREAM_OVERFLOWS).getLongSumData().getPoints()).singleElement()
                .extracting(LongPointData::getValue).isEqualTo(3L);
    }

    @Test
    void aCallTheCallerGaveUpOnIsFlaggedDcAsEnvoyFlagsADownstreamTermination() {
        CallRecord record = new CallRecord(CallRecord.Direction.OUTBOUND, 0, Instant.EPOCH);
        record.routed(null, null, "example.org", null, 80);
        observer.onEnd(new CompletedCall(record, MeshRequest.builder(HttpMethod.GET, "http://example.org/").build(), REVIEWS, SNAPSHOT,
                0, Set.of(ResponseFlag.DI), EmptyHttpHeaders.INSTANCE, 0, 0, 1_000_000, CompletedCall.End.CANCELLED, null));

        assertThat(onlyLabels()).containsEntry("response_code", "0").containsEntry("response_flags", "DI,DC");
    }

    // --- the parts

    private CompletedCall outbound(String url, String host, int status, Set<ResponseFlag> flags) {
        CallRecord record = new CallRecord(CallRecord.Direction.OUTBOUND, 0, Instant.EPOCH);
        record.routed(null, null, host, null, 80);
        return call(record, MeshRequest.builder(HttpMethod.GET, url).build(), status, flags);
    }

    private static CompletedCall call(CallRecord record, MeshRequest request, int status, Set<ResponseFlag> flags) {
        return new CompletedCall(record, request, REVIEWS, SNAPSHOT, status, flags, EmptyHttpHeaders.INSTANCE, 0, 0, 1_000_000,
                CompletedCall.End.COMPLETED, null);
    }

    private MetricData metric(String name) {
        return reader.collectAllMetrics().stream().filter(metric -> metric.getName().equals(name)).findFirst().orElseThrow();
    }

    private Map<String, String> onlyLabels() {
        Attributes attributes = metric(MetricNames.REQUESTS).getLongSumData().getPoints().iterator().next().getAttributes();
        assertThat(metric(MetricNames.REQUESTS).getLongSumData().getPoints()).hasSize(1);
        Map<String, String> labels = new TreeMap<>();
        attributes.forEach((key, value) -> labels.put(key.getKey(), String.valueOf(value)));
        return labels;
    }

    private static MeshSnapshot snapshot(String yaml) {
        MeshConfig.LoadResult loaded = MeshConfig.load("test.yaml", yaml);
        assertThat(loaded.isValid()).as("%s", loaded.diagnostics()).isTrue();
        return new MeshSnapshot(1, loaded.config(), Map.of(ServiceRegistry.class, ServiceRegistry.compile(loaded.config())), Instant.EPOCH);
    }
}
