package io.inmesh.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;

/** Compiles registries from YAML text or from the Istio corpus copied into the test resources. */
final class RegistryFixture {

    private RegistryFixture() {
    }

    /** The registry of {@code yaml}, which must load without an error. */
    static ServiceRegistry registry(String yaml) {
        MeshConfig.LoadResult result = MeshConfig.load("test.yaml", yaml);
        assertThat(result.diagnostics()).as("diagnostics").noneMatch(Diagnostic::isError);
        return ServiceRegistry.compile(result.config());
    }

    /**
     * The registry of a file of Istio's config test data ({@code tests/testdata/config/}, copied with
     * its license into {@code src/test/resources/istio-conformance/testdata}).
     */
    static ServiceRegistry istioTestdata(String file) {
        MeshConfig.LoadResult result = MeshConfig.load(List.of(corpus("testdata/" + file)));
        assertThat(result.diagnostics()).as("diagnostics of %s", file).noneMatch(Diagnostic::isError);
        return ServiceRegistry.compile(result.config());
    }

    private static Path corpus(String relative) {
        URL url = RegistryFixture.class.getResource("/istio-conformance/" + relative);
        if (url == null) {
            throw new IllegalArgumentException("not in the test corpus: " + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
