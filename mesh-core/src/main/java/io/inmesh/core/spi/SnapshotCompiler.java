package io.inmesh.core.spi;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.config.MeshConfig;

/**
 * Turns a validated configuration into something the request path reads, such as a route table,
 * once per configuration change and off the request path. The result is part of the
 * {@link io.inmesh.core.MeshSnapshot} and must be immutable.
 *
 * @param <T> what it compiles to
 */
public interface SnapshotCompiler<T> {

    /** The type the snapshot holds the result under. */
    Class<T> type();

    T compile(MeshConfig config, LocalWorkload workload);
}
