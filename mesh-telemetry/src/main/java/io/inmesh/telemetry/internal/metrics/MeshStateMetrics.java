package io.inmesh.telemetry.internal.metrics;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.MeshSnapshot;
import io.inmesh.core.RulesStatus;
import io.inmesh.core.telemetry.UpstreamClusters;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.ArrayList;
import java.util.List;

/**
 * The mesh's own state as gauges read when metrics are collected, for one {@link Mesh}: the rules
 * in force ({@value MetricNames#CONFIG_VERSION}), their staleness ({@value MetricNames#CONFIG_STALENESS}
 * seconds), the configurations refused ({@value MetricNames#CONFIG_REJECTIONS}), and per upstream cluster the
 * ejected endpoints, pending requests and open circuit breakers. Each carries the
 * workload's name and namespace, as several meshes may share one OpenTelemetry. Reading them costs
 * the data path nothing. Close to stop reporting.
 */
public final class MeshStateMetrics implements AutoCloseable {

    static final AttributeKey<String> WORKLOAD = AttributeKey.stringKey("workload");
    static final AttributeKey<String> WORKLOAD_NAMESPACE = AttributeKey.stringKey("workload_namespace");
    static final AttributeKey<String> VERSION = AttributeKey.stringKey("version");
    static final AttributeKey<String> ORIGIN = AttributeKey.stringKey("origin");
    /** Istio's name of an upstream cluster, as Envoy's cluster statistics label it: {@code outbound|9080|v1|reviews…}. */
    static final AttributeKey<String> CLUSTER_NAME = AttributeKey.stringKey("cluster_name");
    static final AttributeKey<String> RESOURCE = AttributeKey.stringKey("resource");

    private final List<AutoCloseable> registrations = new ArrayList<>();

    public MeshStateMetrics(Meter meter, Mesh mesh) {
        LocalWorkload workload = mesh.workload();
        Attributes self = Attributes.of(WORKLOAD, workload.name(), WORKLOAD_NAMESPACE, workload.namespace());
        registrations.add(meter.gaugeBuilder(MetricNames.CONFIG_VERSION).ofLongs().setUnit("1")
                .setDescription("The rules in force: 1, labelled with their version (none before any) and origin (source, restored, none)")
                .buildWithCallback(gauge -> {
                    RulesStatus status = mesh.rulesStatus();
                    gauge.record(1, self.toBuilder()
                            .put(VERSION, status.version() == null ? "none" : status.version())
                            .put(ORIGIN, status.origin().name().toLowerCase(java.util.Locale.ROOT)).build());
                }));
        registrations.add(meter.gaugeBuilder(MetricNames.CONFIG_STALENESS).setUnit(MetricNames.UNIT_SECONDS)
                .setDescription("Seconds since the mesh last had word that its rules are current")
                .buildWithCallback(gauge -> gauge.record(mesh.rulesStatus().staleness().toMillis() / 1000.0, self)));
        registrations.add(meter.counterBuilder(MetricNames.CONFIG_REJECTIONS).setUnit("{configuration}")
                .setDescription("Configurations the config source offered and the mesh refused")
                .buildWithCallback(counter -> counter.record(mesh.rejectedConfigurations(), self)));
        // Upstream clusters: what mesh-routing reports of its circuit breakers and ejections (nothing without it).
        registrations.add(meter.gaugeBuilder(MetricNames.OUTLIER_EJECTIONS_ACTIVE).ofLongs().setUnit("{endpoint}")
                .setDescription("Endpoints of the cluster that outlier detection has ejected now, as Envoy's outlier_detection.ejections_active")
                .buildWithCallback(gauge -> clusters(mesh).forEach(cluster ->
                        gauge.record(cluster.ejectedEndpoints(), clusterAttributes(self, cluster)))));
        registrations.add(meter.gaugeBuilder(MetricNames.UPSTREAM_PENDING).ofLongs().setUnit("{request}")
                .setDescription("Requests waiting for a connection to the cluster now")
                .buildWithCallback(gauge -> clusters(mesh).forEach(cluster ->
                        gauge.record(cluster.pendingRequests(), clusterAttributes(self, cluster)))));
        registrations.add(meter.gaugeBuilder(MetricNames.CIRCUIT_BREAKERS_OPEN).ofLongs().setUnit("1")
                .setDescription("1 while the cluster's circuit breaker for the resource is at its limit (the next such request"
                        + " fails with UO), as Envoy's circuit_breakers.default.cx_open, rq_pending_open, rq_open, rq_retry_open")
                .buildWithCallback(gauge -> clusters(mesh).forEach(cluster -> {
                    Attributes attributes = clusterAttributes(self, cluster);
                    gauge.record(cluster.connectionsOpen() ? 1 : 0, attributes.toBuilder().put(RESOURCE, "connections").build());
                    gauge.record(cluster.pendingOpen() ? 1 : 0, attributes.toBuilder().put(RESOURCE, "pending").build());
                    gauge.record(cluster.requestsOpen() ? 1 : 0, attributes.toBuilder().put(RESOURCE, "requests").build());
                    gauge.record(cluster.retriesOpen() ? 1 : 0, attributes.toBuilder().put(RESOURCE, "retries").build());
                })));
    }

    private static List<UpstreamClusters.Cluster> clusters(Mesh mesh) {
        MeshSnapshot snapshot = mesh.snapshot();
        UpstreamClusters clusters = snapshot == null ? null : snapshot.find(UpstreamClusters.class);
        return clusters == null ? List.of() : clusters.clusters();
    }

    private static Attributes clusterAttributes(Attributes self, UpstreamClusters.Cluster cluster) {
        return self.toBuilder().put(CLUSTER_NAME, cluster.istioName()).build();
    }

    @Override
    public void close() {
        for (AutoCloseable registration : registrations) {
            try {
                registration.close();
            } catch (Exception e) {
                // Closing a callback registration does not fail in the SDK; nothing else to do.
            }
        }
    }
}
