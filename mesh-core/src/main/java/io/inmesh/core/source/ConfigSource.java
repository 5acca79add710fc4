package io.inmesh.core.source;

import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Flux;

/**
 * Where a mesh's rules come from: local files now, the control plane later. A source reads and
 * validates; the mesh compiles what it emits into a snapshot and swaps it in, or keeps the last good
 * snapshot when an emission has errors.
 */
public interface ConfigSource extends AutoCloseable {

    /**
     * The configuration as it is now, then each time it changes, until {@link #close()}. Every
     * emission is a complete load result: valid ({@link MeshConfig.LoadResult#isValid()}) or with the
     * diagnostics that say why not. Emissions never happen on an event-loop thread.
     *
     * <p>A source may emit again a configuration read from the same documents (names and texts) as
     * the one in force, to confirm that it is still current (after a reconnect, say): the mesh then
     * builds no new snapshot and only resets the {@linkplain io.inmesh.core.Mesh#rulesStatus()
     * staleness} of its rules. Results read from YAML ({@link MeshConfig#load},
     * {@link MeshConfig#loadDocuments}) keep their documents, so the mesh can keep them on disk
     * ({@link io.inmesh.core.Mesh.Builder#lastGoodRules}); results built in code cannot be kept.
     */
    Flux<MeshConfig.LoadResult> updates();

    /**
     * What the mesh did with an emission of {@link #updates()}: called once per emission, after the
     * mesh swapped the rules in ({@code applied}) or refused them and kept its previous rules. A
     * remote source reports it to its server; the default does nothing. Called on the thread that
     * delivered the emission; must not block or throw.
     *
     * @param result the emission, the same instance {@link #updates()} delivered
     * @param applied whether the rules are now in force
     * @param diagnostics why they were refused, or the warnings that came with them
     */
    default void outcome(MeshConfig.LoadResult result, boolean applied, List<Diagnostic> diagnostics) {
    }

    /**
     * The last instant the source knew its latest emission to be what its origin serves, for the
     * {@linkplain io.inmesh.core.Mesh#rulesStatus() staleness} of rules it delivered: a streaming
     * source answers "now" while its stream is open. Empty, the default, when the source cannot tell
     * more than its emissions say.
     */
    default Optional<Instant> currentAsOf() {
        return Optional.empty();
    }

    /** A name for logs and diagnostics, such as the watched directory. */
    String describe();

    /** Stops watching; {@link #updates()} completes. */
    @Override
    void close();
}
