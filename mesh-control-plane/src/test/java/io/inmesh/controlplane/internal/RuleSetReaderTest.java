package io.inmesh.controlplane.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.controlplane.RuleDocument;
import io.inmesh.core.config.ConfigReader;
import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.model.Resource;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleSetReaderTest {

    @TempDir
    Path dir;

    /**
     * The protocol's promise: a workload that reads each document on its own, with {@code firstLine - 1}
     * line breaks before it, gets exactly the resources (positions included) of reading the whole file.
     * Checked over every file of the Istio corpus.
     */
    @Test
    void eachDocumentReadOnItsOwnGivesTheResourcesOfTheWholeFile() throws IOException, URISyntaxException {
        Path corpus = Path.of(Objects.requireNonNull(getClass().getResource("/istio-conformance")).toURI());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(corpus)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(20);
        int documents = 0;
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String origin = corpus.relativize(file).toString();
            List<Resource<?>> whole = ConfigReader.create().read(origin, text).resources();
            List<Resource<?>> oneByOne = new ArrayList<>();
            for (YamlDocuments.Chunk chunk : YamlDocuments.split(text)) {
                documents++;
                oneByOne.addAll(ConfigReader.create().read(origin, "\n".repeat(chunk.firstLine() - 1) + chunk.text()).resources());
            }
            assertThat(oneByOne).as(origin).isEqualTo(whole);
        }
        assertThat(documents).isGreaterThan(files.size());
    }

    @Test
    void aDocumentPerResourceAndNoneForTrailingComments() throws IOException {
        Files.writeString(dir.resolve("rules.yaml"), """
                # the reviews rules
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: bookinfo}
                spec: {host: reviews}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: ratings, namespace: bookinfo}
                spec: {host: ratings}
                ...
                # nothing more
                """);

        RuleSetReader.RuleSet read = new RuleSetReader(dir).read();

        assertThat(read.result().isValid()).isTrue();
        assertThat(read.stable()).isTrue();
        assertThat(read.documents()).extracting(RuleDocument::firstLine, RuleDocument::resource).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, "DestinationRule/bookinfo/reviews"),
                org.assertj.core.groups.Tuple.tuple(6, "DestinationRule/bookinfo/ratings"));
        assertThat(read.documents().get(0).yaml()).startsWith("# the reviews rules\n");
        assertThat(read.hash()).isEqualTo(ContentHash.of(read.documents()));
    }

    @Test
    void aFileThatIsNotUtf8IsAnErrorNamingItAndPartOfTheHash() throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/broken.yaml"), new byte[] {'k', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});

        RuleSetReader.RuleSet first = new RuleSetReader(dir).read();
        Files.write(dir.resolve("sub/broken.yaml"), new byte[] {'k', ':', ' ', (byte) 0xC3, (byte) 0x29, '\n'});
        RuleSetReader.RuleSet second = new RuleSetReader(dir).read();

        assertThat(first.result().isValid()).isFalse();
        assertThat(first.result().diagnostics()).filteredOn(Diagnostic::isError).singleElement()
                .satisfies(d -> assertThat(d.format()).isEqualTo("sub/broken.yaml: error: not valid UTF-8 text"));
        assertThat(first.hash()).isNotEqualTo(second.hash());
    }

    @Test
    void aMissingDirectoryIsAnError() {
        RuleSetReader.RuleSet read = new RuleSetReader(dir.resolve("absent")).read();

        assertThat(read.result().isValid()).isFalse();
        assertThat(read.result().diagnostics()).singleElement()
                .satisfies(d -> assertThat(d.message()).contains("no such directory"));
        assertThat(read.documents()).isEmpty();
    }

    @Test
    void theHashSeparatesOriginLineAndText() {
        String sameBytes = ContentHash.of(List.of(new RuleDocument("ab", 1, "c\n", null)));

        assertThat(ContentHash.of(List.of(new RuleDocument("a", 1, "bc\n", null)))).isNotEqualTo(sameBytes);
        assertThat(ContentHash.of(List.of(new RuleDocument("ab", 2, "c\n", null)))).isNotEqualTo(sameBytes);
        assertThat(ContentHash.of(List.of())).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
