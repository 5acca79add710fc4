package io.inmesh.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import io.inmesh.core.model.VirtualService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The rules directory applies documents as {@code kubectl apply} does: one file per resource, replaced by key. */
class RulesDirectoryTest {

    private final RulesDirectory rules = RulesDirectory.createTemporary();

    @AfterEach
    void deleteDirectory() {
        rules.close();
    }

    @Test
    void eachResourceOfAFileGetsAFileOfItsOwnWithItsDocumentUnchanged() throws Exception {
        RulesDirectory.Applied applied = rules.apply(Bookinfo.istioRules("virtual-service-all-v1.yaml"));

        assertThat(applied.accepted()).as("%s", applied.diagnostics()).isTrue();
        assertThat(applied.keys()).containsExactly("VirtualService/default/productpage", "VirtualService/default/reviews",
                "VirtualService/default/ratings", "VirtualService/default/details");
        assertThat(rules.files()).extracting(path -> path.getFileName().toString()).containsExactly(
                "virtualservice-default-details.yaml", "virtualservice-default-productpage.yaml",
                "virtualservice-default-ratings.yaml", "virtualservice-default-reviews.yaml");
        String original = Bookinfo.istioRules("virtual-service-all-v1.yaml").yaml();
        assertThat(original).contains(Files.readString(rules.fileOf("VirtualService/default/reviews")).strip());
    }

    @Test
    void applyingAResourceThatExistsReplacesItAndKeepsTheOthers() throws Exception {
        rules.apply(Bookinfo.istioRules("virtual-service-all-v1.yaml"));

        RulesDirectory.Applied applied = rules.apply(Bookinfo.istioRules("virtual-service-reviews-90-10.yaml"));

        assertThat(applied.keys()).containsExactly("VirtualService/default/reviews");
        assertThat(rules.files()).hasSize(4);
        MeshConfig.LoadResult loaded = MeshConfig.load(List.of(rules.path()));
        assertThat(loaded.isValid()).as("%s", loaded.diagnostics()).isTrue();
        Resource<VirtualService> reviews = loaded.config().resources(ResourceKind.VIRTUAL_SERVICE, VirtualService.class).stream()
                .filter(resource -> resource.name().equals("reviews")).findFirst().orElseThrow();
        assertThat(reviews.spec().http().get(0).route()).hasSize(2);
    }

    @Test
    void rulesWithErrorsAreRefusedAndNothingIsWritten() throws Exception {
        rules.apply(Bookinfo.istioRules("virtual-service-reviews-90-10.yaml"));
        Path reviews = rules.fileOf("VirtualService/default/reviews");
        String before = Files.readString(reviews);

        RulesDirectory.Applied applied = rules.apply(new RulesDirectory.RuleText("broken.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  hosts:
                  - reviews
                  http:
                  - route:
                    - destination:
                        host: reviews
                        subset: v1
                      weight: -5
                """));

        assertThat(applied.accepted()).isFalse();
        assertThat(applied.resources()).isEmpty();
        assertThat(applied.diagnostics()).filteredOn(Diagnostic::isError).isNotEmpty()
                .allSatisfy(diagnostic -> assertThat(diagnostic.format()).startsWith("broken.yaml:"));
        assertThat(Files.readString(reviews)).isEqualTo(before);
    }
}
