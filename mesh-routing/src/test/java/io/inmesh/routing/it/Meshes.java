package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.MeshSnapshot;
import io.inmesh.core.testing.TestConfigSource;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Client meshes for the tests: a workload in namespace bookinfo whose rules come from a {@link TestConfigSource}. */
final class Meshes {

    /** How long a test waits for one answer at most: a bound against hanging, never a timing claim. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private Meshes() {
    }

    /** A mesh for workload {@code name} with {@code labels}, running the configuration already pushed to {@code source}. */
    static Mesh client(TestConfigSource source, String name, Map<String, String> labels) {
        return client(source, name, labels, builder -> builder);
    }

    /** As {@link #client(TestConfigSource, String, Map)}, with more settings. */
    static Mesh client(TestConfigSource source, String name, Map<String, String> labels, UnaryOperator<Mesh.Builder> settings) {
        Mesh mesh = settings.apply(Mesh.builder()
                        .workload(LocalWorkload.of(name, Yaml.NAMESPACE, labels))
                        .configSource(source))
                .build();
        MeshSnapshot ready = mesh.ready().block(WAIT);
        assertThat(ready).as("the first configuration of " + source.describe()).isNotNull();
        assertThat(mesh.lastRejection()).isEmpty();
        return mesh;
    }

    /** The productpage workload, the usual caller. */
    static Mesh productpage(TestConfigSource source) {
        return client(source, "productpage-v1", Map.of("app", "productpage", "version", "v1"));
    }

    /** The body of a GET of {@code url} through {@code mesh}: the name of the instance that served it. */
    static String get(Mesh mesh, String url) {
        return mesh.client().get(url).retrieve().block(WAIT);
    }
}
