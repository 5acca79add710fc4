package io.inmesh.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.config.ConfigReader;
import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rules folder the README tells users to serve with {@code bin/mesh control-plane}
 * ({@code examples/bookinfo/control-plane/}): valid Istio YAML, with the services where the demo's
 * control-plane mode listens by default and the reviews rule users edit.
 */
class ControlPlaneFolderTest {

    private static final Path FOLDER = Path.of("bookinfo", "control-plane");

    @Test
    void theFolderIsValidWithoutAWarning() throws Exception {
        List<Path> files;
        try (Stream<Path> list = Files.list(FOLDER)) {
            files = list.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(file -> file.getFileName().toString())
                .containsExactly("destination-rule-all.yaml", "services.yaml", "virtual-service-reviews.yaml");

        ConfigReader.ReadResult read = ConfigReader.create().read(files);
        List<Diagnostic> diagnostics = new java.util.ArrayList<>(read.diagnostics());
        diagnostics.addAll(MeshConfig.of(read.resources()).diagnostics());

        assertThat(diagnostics).extracting(Diagnostic::format).isEmpty();
        assertThat(read.resources()).hasSize(15);
    }

    @Test
    void theServicesAreWhereTheDemoListensFromTheDefaultBasePort() throws Exception {
        List<Resource<?>> shipped = ConfigReader.create().read(List.of(FOLDER.resolve("services.yaml"))).resources();
        List<Resource<?>> generated = ConfigReader.create().read("generated", Bookinfo.servicesYaml(Bookinfo.DEFAULT_BASE_PORT)).resources();

        assertThat(shipped).hasSize(10);
        assertThat(shipped).extracting(Resource::key).containsExactlyElementsOf(generated.stream().map(Resource::key).toList());
        for (int i = 0; i < shipped.size(); i++) {
            assertThat(shipped.get(i).spec()).as(shipped.get(i).key()).isEqualTo(generated.get(i).spec());
        }
        assertThat(Files.readString(FOLDER.resolve("services.yaml"))).contains("address: 127.0.0.1", "http: 19080", "http: 19085");
    }

    @Test
    void theDestinationRulesAreIstiosUnchangedAndTheReviewsRuleSplitsBetweenAllThreeVersions() throws Exception {
        assertThat(Files.readString(FOLDER.resolve("destination-rule-all.yaml")))
                .isEqualTo(Bookinfo.istioRules("destination-rule-all.yaml").yaml());
        String reviews = Files.readString(FOLDER.resolve("virtual-service-reviews.yaml"));
        assertThat(reviews).contains("subset: v1\n      weight: 60", "subset: v2\n      weight: 30", "subset: v3\n      weight: 10");
    }
}
