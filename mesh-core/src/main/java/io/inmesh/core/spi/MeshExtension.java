package io.inmesh.core.spi;

import java.util.List;

/**
 * What a module adds to the mesh: compilers of snapshot parts and interceptors at their stages.
 * Modules register one through {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/io.inmesh.core.spi.MeshExtension} file), so putting a module on the
 * class path is enough; an application can also add extensions to {@code Mesh.builder()} itself.
 */
public interface MeshExtension {

    /** A name for logs, such as {@code routing}. */
    String name();

    default List<SnapshotCompiler<?>> snapshotCompilers() {
        return List.of();
    }

    default List<Positioned<ClientStage>> clientInterceptors() {
        return List.of();
    }

    default List<Positioned<ServerStage>> serverInterceptors() {
        return List.of();
    }

    /**
     * The mesh this extension was built into is ready: its stacks are assembled and its rules
     * status can be read. Called once, at the end of {@code Mesh.builder().build()}; for what an
     * extension reports about the mesh as a whole (telemetry's gauges of the rules in force, say).
     * Must be quick; what it throws fails the build.
     */
    default void onStart(io.inmesh.core.Mesh mesh) {
    }

    /** The mesh is closing: release what {@link #onStart} took. Called once; what it throws is logged. */
    default void onClose(io.inmesh.core.Mesh mesh) {
    }

    /**
     * An interceptor at a stage.
     *
     * @param <S> {@link ClientStage} or {@link ServerStage}
     * @param stage where it runs
     * @param name a name for error messages, such as {@code routing/route}
     * @param interceptor the interceptor
     */
    record Positioned<S extends Enum<S>>(S stage, String name, MeshInterceptor interceptor) {
        public Positioned {
            java.util.Objects.requireNonNull(stage, "stage");
            java.util.Objects.requireNonNull(name, "name");
            java.util.Objects.requireNonNull(interceptor, "interceptor");
        }
    }
}
