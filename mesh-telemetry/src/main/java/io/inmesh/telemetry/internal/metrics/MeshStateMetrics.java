package io.inmesh.telemetry.internal.metrics;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.RulesStatus;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.ArrayList;
import java.util.List;

/**
 * The mesh's own state as gauges read when metrics are collected, for one {@link Mesh}: the rules
 * in force ({@value MetricNames#CONFIG_VERSION}), their staleness ({@value MetricNames#CONFIG_STALENESS}
 * seconds) and the configurations refused ({@value MetricNames#CONFIG_REJECTIONS}). Each carries the
 * workload's name and namespace, as several meshes may share one OpenTelemetry. Reading them costs
 * the data path nothing. Close to stop reporting.
 */
public final class MeshStateMetrics implements AutoCloseable {

    static final AttributeKey<String> WORKLOAD = AttributeKey.stringKey("workload");
    static final AttributeKey<String> WORKLOAD_NAMESPACE = AttributeKey.stringKey("workload_namespace");
    static final AttributeKey<String> VERSION = AttributeKey.stringKey("version");
    static final AttributeKey<String> ORIGIN = AttributeKey.stringKey("origin");

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
