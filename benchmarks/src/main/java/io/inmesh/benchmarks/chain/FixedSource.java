package io.inmesh.benchmarks.chain;

import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.source.ConfigSource;
import reactor.core.publisher.Flux;

/** One configuration, delivered at once and never changed: benchmarks measure calls, not reloads. */
public final class FixedSource implements ConfigSource {
    private final MeshConfig.LoadResult rules;

    private FixedSource(MeshConfig.LoadResult rules) {
        this.rules = rules;
    }

    /** The source of {@code yaml}, which must be valid. */
    public static FixedSource of(String yaml) {
        return of(MeshConfig.load("rules.yaml", yaml));
    }

    /** A source of {@code rules}, which must be valid. */
    public static FixedSource of(MeshConfig.LoadResult rules) {
        if (!rules.isValid()) {
            throw new IllegalStateException("benchmark rules: " + rules.diagnostics());
        }
        return new FixedSource(rules);
    }

    @Override
    public Flux<MeshConfig.LoadResult> updates() {
        // Never completes: a completed source could read as "no more rules" to the mesh.
        return Flux.just(rules).concatWith(Flux.never());
    }

    @Override
    public String describe() {
        return "benchmark rules";
    }

    @Override
    public void close() {
    }
}
