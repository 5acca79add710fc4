package io.inmesh.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.config.MeshConfig;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Loads test configuration and fails the test with the diagnostics when it is not valid. */
final class Configs {

    private Configs() {
    }

    /** Compiles Bookinfo rule files from the Istio corpus, e.g. {@code "virtual-service-all-v1.yaml"}. */
    static RouteTable bookinfo(String... files) {
        List<Path> paths = Arrays.stream(files).map(f -> resource("/istio-conformance/bookinfo/" + f)).toList();
        return compile(MeshConfig.load(paths));
    }

    /** Compiles YAML text. */
    static RouteTable yaml(String yaml) {
        return compile(MeshConfig.load("test.yaml", yaml));
    }

    static RouteTable compile(MeshConfig.LoadResult result) {
        assertThat(result.diagnostics().stream().filter(d -> d.isError()).map(d -> d.format()).toList())
                .as("configuration errors")
                .isEmpty();
        return RouteTable.compile(result.config());
    }

    static Path resource(String name) {
        try {
            return Path.of(Configs.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("missing test resource " + name, e);
        }
    }
}
