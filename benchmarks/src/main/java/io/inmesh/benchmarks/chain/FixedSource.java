package io.inmesh.benchmarks.chain;

import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.source.ConfigSource;
import reactor.core.publisher.Flux;

/** A config source that delivers one rule set and never changes it. */
final class FixedSource implements ConfigSource {
    private final MeshConfig.LoadResult rules;

    FixedSource(MeshConfig.LoadResult rules) {
        this.rules = rules;
    }

    /** The source of {@code yaml}, which must be valid. */
    static FixedSource of(String yaml) {
        MeshConfig.LoadResult rules = MeshConfig.load("rules.yaml", yaml);
        if (!rules.isValid()) {
            throw new IllegalStateException("benchmark rules: " + rules.diagnostics());
        }
        return new FixedSource(rules);
    }

    @Override
    public Flux<MeshConfig.LoadResult> updates() {
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
