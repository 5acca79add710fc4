package io.inmesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.model.Resource;
import io.inmesh.core.model.VirtualService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How sources split into documents: {@code ---}, {@code ...}, {@code kind: List}, comments, files and folders. */
class ConfigReaderDocumentsTest {

    private static final String SOURCE = "rules.yaml";

    private final ConfigReader reader = ConfigReader.create();

    private static Diagnostic error(int line, int column, String resource, String field, String message) {
        return new Diagnostic(Severity.ERROR, new SourceLocation(SOURCE, line, column), resource, field, message);
    }

    @Test
    void everyDocumentOfAMultiDocumentFileIsReadWithItsOwnLineNumbers() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                # Bookinfo reviews, three documents
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  hosts: [reviews]
                ---
                # the rule below targets ratings
                apiVersion: networking.istio.io/v1
                kind: VirtualService   # trailing comment
                metadata:
                  name: ratings
                  namespace: bookinfo
                spec:
                  hosts:
                  - ratings          # a comment in a list
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: details
                spec:
                  host: details
                  subsets:
                  - name: v1
                    labels: {version: v1}
                    bogus: 1
                """);

        assertThat(result.resources()).extracting(Resource::key)
                .containsExactly("VirtualService/default/reviews", "VirtualService/bookinfo/ratings");
        assertThat(result.resources()).extracting(Resource::location).containsExactly(
                new SourceLocation(SOURCE, 3, 1), new SourceLocation(SOURCE, 11, 1));
        assertThat(result.resources().get(1).locationOf("spec.hosts[0]")).isEqualTo(new SourceLocation(SOURCE, 18, 5));
        assertThat(result.diagnostics()).containsExactly(error(29, 5, "DestinationRule/default/details",
                "spec.subsets[0].bogus", "unknown field \"bogus\" in Subset (expected one of: name, labels, trafficPolicy)"));
    }

    @Test
    void emptyAndCommentOnlyDocumentsAreSkippedSilently() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                ---
                ---
                # nothing here
                ---

                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                ---
                ---
                """);

        assertThat(result.diagnostics()).isEmpty();
        assertThat(result.resources()).singleElement().satisfies(resource -> {
            assertThat(resource.key()).isEqualTo("VirtualService/default/reviews");
            assertThat(resource.location()).isEqualTo(new SourceLocation(SOURCE, 7, 1));
        });
    }

    @Test
    void emptySourceHasNoResourcesAndNoDiagnostics() {
        // The text is kept even when it holds nothing: reading it again gives the same (empty) result.
        assertThat(reader.read(SOURCE, "")).isEqualTo(new ConfigReader.ReadResult(List.of(), List.of(), List.of(new SourceDocument(SOURCE, ""))));
        assertThat(reader.read(SOURCE, "# only a comment\n").resources()).isEmpty();
    }

    @Test
    void documentEndMarkersAndDirectivesAreYaml() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                %YAML 1.1
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: first
                ...
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: second
                ...
                # a bare document may follow an end marker
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: third
                  labels: {app: 7}
                ...
                """);

        assertThat(result.resources()).extracting(Resource::name).containsExactly("first", "second");
        assertThat(result.diagnostics()).containsExactly(error(19, 17, "VirtualService/default/third",
                "metadata.labels[app]", "expected a string, got integer 7 (quote it: \"7\")"));
    }

    @Test
    void windowsLineEndingsKeepLineNumbers() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: a
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: b
                spec:
                  hosts: 80
                """.replace("\n", "\r\n"));

        assertThat(result.resources()).extracting(Resource::name).containsExactly("a");
        assertThat(result.diagnostics()).containsExactly(
                error(11, 10, "VirtualService/default/b", "spec.hosts", "expected a list, got integer 80"));
    }

    @Test
    void kubectlListItemsAreResourcesWithTheirOwnLines() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: before
                ---
                apiVersion: v1
                kind: List
                metadata:
                  resourceVersion: ""
                items:
                - apiVersion: networking.istio.io/v1
                  kind: VirtualService
                  metadata:
                    name: reviews
                    namespace: bookinfo
                  spec:
                    hosts: [reviews]
                    http:
                    - route:
                      - destination:
                          host: reviews
                          subset: v1
                        weight: 75
                      - destination:
                          host: reviews
                          subset: v2
                        weight: 25
                - apiVersion: networking.istio.io/v1
                  kind: DestinationRule
                  metadata:
                    name: reviews
                    namespace: bookinfo
                  spec:
                    host: reviews
                    subsets:
                    - name: v1
                      labels: {version: v1}
                    - name: v2
                      labels: {version: v2}
                      wieght: 3
                - apiVersion: apps/v1
                  kind: Deployment
                  metadata:
                    name: reviews-v1
                """);

        assertThat(result.resources()).extracting(Resource::key)
                .containsExactly("VirtualService/default/before", "VirtualService/bookinfo/reviews");
        Resource<?> reviews = result.resources().get(1);
        assertThat(reviews.location()).isEqualTo(new SourceLocation(SOURCE, 11, 3));
        assertThat(reviews.spec(VirtualService.class).http().get(0).route())
                .extracting(route -> route.weight()).containsExactly(75, 25);
        assertThat(reviews.locationOf("spec.http[0].route[1].weight")).isEqualTo(new SourceLocation(SOURCE, 27, 17));
        assertThat(result.diagnostics()).containsExactly(
                error(40, 7, "DestinationRule/bookinfo/reviews", "spec.subsets[1].wieght",
                        "unknown field \"wieght\" in Subset (expected one of: name, labels, trafficPolicy)"),
                new Diagnostic(Severity.WARNING, new SourceLocation(SOURCE, 41, 3), "Deployment/default/reviews-v1", null,
                        "unsupported kind Deployment (apps/v1): skipped; inmesh reads VirtualService, DestinationRule,"
                                + " ServiceEntry, WorkloadEntry, Sidecar, Gateway, PeerAuthentication,"
                                + " AuthorizationPolicy, RequestAuthentication"));
    }

    @Test
    void typedListsAndEmptyListsAreListsToo() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: networking.istio.io/v1
                kind: VirtualServiceList
                items:
                - apiVersion: networking.istio.io/v1
                  kind: VirtualService
                  metadata: {name: reviews}
                ---
                apiVersion: v1
                kind: List
                items: []
                """);

        assertThat(result.diagnostics()).isEmpty();
        assertThat(result.resources()).extracting(Resource::key).containsExactly("VirtualService/default/reviews");
    }

    @Test
    void listItemsThatAreNotAListAreAnError() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: v1
                kind: List
                items:
                  apiVersion: networking.istio.io/v1
                """);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(
                error(4, 3, null, "items", "expected a list of resources, got an object"));
    }

    @Test
    void aDocumentThatIsNotAnObjectIsAnError() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                - apiVersion: networking.istio.io/v1
                ---
                just text
                ---
                apiVersion: networking.istio.io/v1
                metadata:
                  name: nameless-kind
                """);

        String expected = "expected a Kubernetes resource (an object with apiVersion, kind, metadata and spec), got ";
        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(
                error(1, 1, null, null, expected + "a list"),
                error(3, 1, null, null, expected + "\"just text\""),
                error(5, 1, null, "kind", "missing kind (expected a Kubernetes resource such as kind: VirtualService)"));
    }

    @Test
    void aFolderIsReadRecursivelyInNameOrderYamlFilesOnly(@TempDir Path folder) throws IOException {
        Files.createDirectories(folder.resolve("nested"));
        Files.writeString(folder.resolve("b.yaml"), virtualService("from-b"));
        Files.writeString(folder.resolve("a.yml"), virtualService("from-a"));
        Files.writeString(folder.resolve("nested/c.yaml"), virtualService("from-c"));
        Files.writeString(folder.resolve("notes.txt"), "not: yaml: at all: [");
        Files.writeString(folder.resolve("README.md"), "# rules");

        ConfigReader.ReadResult result = reader.read(List.of(folder));

        assertThat(result.diagnostics()).isEmpty();
        assertThat(result.resources()).extracting(Resource::name).containsExactly("from-a", "from-b", "from-c");
        assertThat(result.resources().get(2).location())
                .isEqualTo(new SourceLocation(folder.resolve("nested/c.yaml").toString(), 1, 1));
    }

    @Test
    void aFileNamedDirectlyIsReadWhateverItsName(@TempDir Path folder) throws IOException {
        Path rules = Files.writeString(folder.resolve("rules.txt"), virtualService("named"));

        ConfigReader.ReadResult result = reader.read(List.of(rules));

        assertThat(result.diagnostics()).isEmpty();
        assertThat(result.resources()).extracting(Resource::name).containsExactly("named");
    }

    @Test
    void aMountedConfigMapIsReadOnceThroughItsLinks(@TempDir Path mount) throws IOException {
        // The kubelet's layout: the files live in a timestamped directory behind the ..data link.
        Path version = Files.createDirectory(mount.resolve("..2026_11_22_05_00_00.123"));
        Files.writeString(version.resolve("reviews.yaml"), virtualService("reviews"));
        Files.createSymbolicLink(mount.resolve("..data"), version.getFileName());
        Files.createSymbolicLink(mount.resolve("reviews.yaml"), Path.of("..data", "reviews.yaml"));

        ConfigReader.ReadResult result = reader.read(List.of(mount));

        assertThat(result.resources()).extracting(Resource::name).containsExactly("reviews");
        assertThat(result.diagnostics()).isEmpty();
    }

    @Test
    void aSymbolicLinkToADirectoryIsFollowed(@TempDir Path folder) throws IOException {
        Path rules = Files.createDirectory(folder.resolve("rules"));
        Files.writeString(rules.resolve("reviews.yaml"), virtualService("reviews"));
        Path link = Files.createSymbolicLink(folder.resolve("current"), rules);

        assertThat(reader.read(List.of(link)).resources()).extracting(Resource::name).containsExactly("reviews");
    }

    @Test
    void aDirectoryWithoutYamlFilesIsAWarningSoATypoDoesNotPassSilently(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("notes.txt"), "not configuration");

        ConfigReader.ReadResult result = reader.read(List.of(folder));

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(new Diagnostic(Severity.WARNING,
                SourceLocation.of(folder.toString()), null, null, "no *.yaml or *.yml file in this directory"));
    }

    @Test
    void aMissingPathOrABinaryFileIsAnErrorAndTheOtherFilesStillLoad(@TempDir Path folder) throws IOException {
        Path missing = folder.resolve("missing.yaml");
        Path binary = Files.write(folder.resolve("binary.yaml"), new byte[] {(byte) 0xC3, (byte) 0x28, 'a', '\n'});
        Path good = Files.writeString(folder.resolve("good.yaml"), virtualService("good"));

        ConfigReader.ReadResult result = reader.read(List.of(missing, binary, good));

        assertThat(result.resources()).extracting(Resource::name).containsExactly("good");
        assertThat(result.diagnostics()).containsExactlyInAnyOrder(
                new Diagnostic(Severity.ERROR, SourceLocation.of(missing.toString()), null, null, "no such file or directory"),
                new Diagnostic(Severity.ERROR, SourceLocation.of(binary.toString()), null, null, "not valid UTF-8 text"));
    }

    @Test
    void diagnosticsAreSortedBySourceLineAndColumn() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  hots: [reviews]
                  http:
                  - route:
                    - destination: {host: reviews}
                      wait: 1
                  gatways: [mesh]
                """);

        assertThat(result.diagnostics()).extracting(d -> d.location().line()).containsExactly(6, 10, 11);
    }

    @Test
    void formattedDiagnosticNamesFileLineResourceFieldAndExpectation() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                    - destination: {host: reviews}
                      weight: high
                """);

        assertThat(result.diagnostics()).extracting(Diagnostic::format).containsExactly(
                "rules.yaml:11:15: error: VirtualService/bookinfo/reviews: spec.http[0].route[0].weight:"
                        + " expected an integer, got \"high\"");
        assertThat(SourceLocation.of("rules.yaml")).hasToString("rules.yaml");
    }

    private static String virtualService(String name) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %s
                spec:
                  hosts: [%s]
                """.formatted(name, name);
    }
}
