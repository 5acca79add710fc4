package io.inmesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of Istio's own configuration (Bookinfo samples, Istio's config test data, the inputs
 * of its authorization tests; copied in {@code src/test/resources/istio-conformance}) reads without
 * an error. What inmesh does not read is a warning that says so, never a silent drop.
 */
class IstioConformanceTest {

    private static final List<String> FOLDERS = List.of("bookinfo", "testdata", "authz");

    private final ConfigReader reader = ConfigReader.create();

    static Stream<String> corpusFiles() throws IOException {
        List<String> files = new ArrayList<>();
        for (String folder : FOLDERS) {
            Path root = IstioCorpus.path(folder);
            try (Stream<Path> walk = Files.list(root)) {
                walk.map(file -> folder + "/" + file.getFileName()).sorted().forEach(files::add);
            }
        }
        return files.stream();
    }

    @Test
    void theCorpusIsComplete() throws IOException {
        assertThat(corpusFiles()).hasSize(71).allMatch(file -> file.endsWith(".yaml"));
        assertThat(IstioCorpus.path("LICENSE")).isRegularFile();
        assertThat(IstioCorpus.path("NOTICE")).content().contains("86c9f01fd735fb01d8192f5bcaf0d424afb7f14c");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusFiles")
    void everyFileReadsWithoutError(String file) {
        ConfigReader.ReadResult result = reader.read(List.of(IstioCorpus.path(file)));

        assertThat(result.diagnostics()).as("diagnostics of %s", file)
                .noneMatch(Diagnostic::isError)
                .allSatisfy(warning -> assertThat(warning.message())
                        .containsAnyOf("unsupported kind", "was removed from Istio"));
        assertThat(result.resources()).as("resources of %s", file).isNotEmpty();
    }

    @Test
    void bookinfoReadsCompletelyAndCleanly() {
        ConfigReader.ReadResult result = reader.read(List.of(IstioCorpus.path("bookinfo")));

        assertThat(result.diagnostics()).isEmpty();
        assertThat(countByKind(result)).containsExactly(
                entry(ResourceKind.VIRTUAL_SERVICE, 24L),
                entry(ResourceKind.DESTINATION_RULE, 11L),
                entry(ResourceKind.SERVICE_ENTRY, 1L),
                entry(ResourceKind.GATEWAY, 2L));
    }

    @Test
    void istioTestDataReadsWithWarningsOnlyForWhatInmeshDoesNotRead() {
        ConfigReader.ReadResult result = reader.read(List.of(IstioCorpus.path("testdata")));

        assertThat(result.hasErrors()).isFalse();
        assertThat(countByKind(result)).containsExactly(
                entry(ResourceKind.VIRTUAL_SERVICE, 19L),
                entry(ResourceKind.DESTINATION_RULE, 12L),
                entry(ResourceKind.SERVICE_ENTRY, 33L),
                entry(ResourceKind.SIDECAR, 3L),
                entry(ResourceKind.GATEWAY, 6L),
                entry(ResourceKind.PEER_AUTHENTICATION, 2L));
        String none = IstioCorpus.path("testdata/none.yaml").toString();
        String websocket = IstioCorpus.path("testdata/rule-websocket-route.yaml").toString();
        assertThat(result.diagnostics())
                .extracting(d -> d.location().toString() + " " + d.resource() + " " + d.field())
                .containsExactly(
                        none + ":53:1 Service/none/fortio null",
                        none + ":74:1 Deployment/none/fortio null",
                        none + ":124:1 Deployment/none/fortio-cli null",
                        websocket + ":56:7 VirtualService/testns/websocket-route spec.http[0].websocketUpgrade",
                        websocket + ":79:7 VirtualService/testns/websocket-route2 spec.http[0].websocketUpgrade");
    }

    @Test
    void authorizationPoliciesReadCompletelyAndCleanly() {
        ConfigReader.ReadResult result = reader.read(List.of(IstioCorpus.path("authz")));

        assertThat(result.diagnostics()).isEmpty();
        assertThat(countByKind(result)).containsExactly(entry(ResourceKind.AUTHORIZATION_POLICY, 33L));
    }

    private static Map<ResourceKind, Long> countByKind(ConfigReader.ReadResult result) {
        return result.resources().stream()
                .collect(Collectors.groupingBy(Resource::kind, TreeMap::new, Collectors.counting()));
    }
}
