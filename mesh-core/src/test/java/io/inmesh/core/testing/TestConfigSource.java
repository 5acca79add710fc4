package io.inmesh.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.source.ConfigSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * A config source the test pushes YAML into. The latest configuration is replayed to a new
 * subscriber, so a mesh built after the first push starts with it; a push reaches the mesh before
 * {@link #push} returns, on the test's thread, never an event loop (as {@link ConfigSource} requires).
 */
public final class TestConfigSource implements ConfigSource {

    private final Sinks.Many<MeshConfig.LoadResult> updates = Sinks.many().replay().latest();

    /** Reads the YAML documents as one configuration and emits it; fails the test when it is not valid. */
    public TestConfigSource push(String... documents) {
        MeshConfig.LoadResult result = MeshConfig.load("test-config.yaml", String.join("\n---\n", documents));
        assertThat(result.diagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::format).toList())
                .as("errors in the test configuration")
                .isEmpty();
        updates.tryEmitNext(result).orThrow();
        return this;
    }

    @Override
    public Flux<MeshConfig.LoadResult> updates() {
        return updates.asFlux();
    }

    @Override
    public String describe() {
        return "test config source";
    }

    @Override
    public void close() {
        updates.tryEmitComplete();
    }
}
