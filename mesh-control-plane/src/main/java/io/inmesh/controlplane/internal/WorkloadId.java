package io.inmesh.controlplane.internal;

import java.util.Comparator;
import java.util.Objects;

/**
 * One replica of a workload as the control plane tells them apart: status keeps one entry per id.
 *
 * @param namespace the workload's namespace
 * @param name the workload's name
 * @param instance which replica (pod name, host:pid); the name when the workload gave none
 */
public record WorkloadId(String namespace, String name, String instance) implements Comparable<WorkloadId> {

    private static final Comparator<WorkloadId> ORDER = Comparator.comparing(WorkloadId::namespace)
            .thenComparing(WorkloadId::name)
            .thenComparing(WorkloadId::instance);

    public WorkloadId {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(instance, "instance");
    }

    @Override
    public int compareTo(WorkloadId other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return namespace + "/" + name + "/" + instance;
    }
}
