package io.inmesh.routing.internal;

import io.inmesh.core.LocalWorkload;
import io.inmesh.routing.Caller;

/**
 * The {@link Caller} routing sees for the mesh's local workload, built once rather than per request.
 * A mesh has one workload, so one entry suffices; it is rebuilt if another workload shows up.
 */
final class CallerCache {

    private record Entry(LocalWorkload workload, Caller caller) {
    }

    private volatile Entry entry;

    Caller of(LocalWorkload workload) {
        Entry current = entry;
        if (current == null || current.workload() != workload) {
            current = new Entry(workload, Caller.of(workload.namespace(), workload.labels()));
            entry = current;
        }
        return current.caller();
    }
}
