package io.inmesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.inmesh.core.model.Resource;
import io.inmesh.core.model.VirtualService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile or accidental input (alias bombs, deep nesting, huge sources, recursive aliases) is
 * refused with an error diagnostic, never with an {@link OutOfMemoryError} or a
 * {@link StackOverflowError}, and the documents around it still load.
 */
class ConfigReaderHostileInputTest {

    private static final String SOURCE = "hostile.yaml";
    private static final String GOOD_DOCUMENT = """
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: survivor
            """;

    private final ConfigReader reader = ConfigReader.create();

    private static Diagnostic error(int line, String message) {
        return new Diagnostic(Severity.ERROR, new SourceLocation(SOURCE, line, 1), null, null, message);
    }

    private static void assertOnlySurvivorLoaded(ConfigReader.ReadResult result) {
        assertThat(result.resources()).extracting(Resource::name).containsExactly("survivor");
    }

    @Test
    void aBillionLaughsAliasBombIsRefused() {
        StringBuilder bomb = new StringBuilder("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: lol
                  annotations:
                    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
                """);
        String previous = "a";
        for (String name : List.of("b", "c", "d", "e", "f", "g", "h", "i")) {
            bomb.append("    ").append(name).append(": &").append(name).append(" [")
                    .append(String.join(", ", Collections.nCopies(9, "*" + previous))).append("]\n");
            previous = name;
        }

        ConfigReader.ReadResult result = reader.read(SOURCE, bomb + GOOD_DOCUMENT);

        assertOnlySurvivorLoaded(result);
        assertThat(result.diagnostics()).containsExactly(
                error(1, "YAML refused: Number of aliases for non-scalar nodes exceeds the specified max=20"));
    }

    @Test
    void aFewAliasesForSharedValuesAreFine() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                spec:
                  hosts: &hosts [reviews, reviews.bookinfo.svc.cluster.local]
                  http:
                  - route:
                    - destination: &v1 {host: reviews, subset: v1}
                  - route:
                    - destination: *v1
                  exportTo: *hosts
                """);

        assertThat(result.diagnostics()).isEmpty();
        VirtualService spec = result.resources().get(0).spec(VirtualService.class);
        assertThat(spec.exportTo()).isEqualTo(spec.hosts());
        assertThat(spec.http().get(1).route().get(0).destination().subset()).isEqualTo("v1");
    }

    @Test
    void aRecursiveAliasIsRefused() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: v1
                kind: List
                items: &items
                - apiVersion: v1
                  kind: List
                  items: *items
                """ + GOOD_DOCUMENT);

        assertOnlySurvivorLoaded(result);
        assertThat(result.diagnostics()).containsExactly(new Diagnostic(Severity.ERROR,
                new SourceLocation(SOURCE, 3, 8), null, null,
                "YAML refused: the value anchored as &items contains an alias to itself (expected no recursive aliases)"));
    }

    @Test
    void tenThousandNestedFlowListsAreRefused() {
        String deep = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: deep\nspec:\n  hosts: "
                + "[".repeat(10_000) + "]".repeat(10_000) + "\n";

        ConfigReader.ReadResult result = reader.read(SOURCE, deep + GOOD_DOCUMENT);

        assertOnlySurvivorLoaded(result);
        assertThat(result.diagnostics()).containsExactly(error(1, "YAML refused: Nesting Depth exceeded max 64"));
    }

    @Test
    void tenThousandNestedFlowMapsAndBlockListsAreRefused() {
        String maps = "spec: " + "{a: ".repeat(10_000) + "b" + "}".repeat(10_000) + "\n";
        String blockLists = "---\n" + "- ".repeat(10_000) + "x\n";

        ConfigReader.ReadResult result = reader.read(SOURCE, maps + blockLists + GOOD_DOCUMENT);

        assertOnlySurvivorLoaded(result);
        assertThat(result.diagnostics()).containsExactly(
                error(1, "YAML refused: Nesting Depth exceeded max 64"),
                error(2, "YAML refused: Nesting Depth exceeded max 64"));
    }

    @Test
    void aTenMegabyteSourceIsRefusedBeforeParsing() {
        String huge = tenMegabyteDocument();

        ConfigReader.ReadResult result = reader.read(SOURCE, huge);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(new Diagnostic(Severity.ERROR, SourceLocation.of(SOURCE),
                null, null, "source is " + huge.length() + " characters, over the limit of 8388608 (split it into several sources)"));
    }

    @Test
    void aMegabyteLineIsRefusedBeforeTheScannerSpendsSecondsOnIt() {
        String longLine = GOOD_DOCUMENT + "---\n" + """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: long
                  annotations:
                    blob: %s
                """.formatted("x".repeat(1 << 20));

        ConfigReader.ReadResult result = reader.read(SOURCE, longLine);

        assertThat(result.resources()).isEmpty();
        assertThat(result.diagnostics()).containsExactly(new Diagnostic(Severity.ERROR, new SourceLocation(SOURCE,
                GOOD_DOCUMENT.split("\n").length + 7, 1), null, null,
                "line is " + ((1 << 20) + "    blob: ".length()) + " characters long, over the limit of 262144 (split long values over several lines)"));
    }

    @Test
    void aTenMegabyteFileIsRefusedAndTheOtherFilesStillLoad(@TempDir Path folder) throws IOException {
        Path huge = Files.writeString(folder.resolve("a-huge.yaml"), tenMegabyteDocument());
        Files.writeString(folder.resolve("b-good.yaml"), GOOD_DOCUMENT);

        ConfigReader.ReadResult result = reader.read(List.of(folder));

        assertOnlySurvivorLoaded(result);
        assertThat(result.diagnostics()).containsExactly(new Diagnostic(Severity.ERROR, SourceLocation.of(huge.toString()),
                null, null, "source is " + Files.size(huge) + " bytes, over the limit of 8388608 bytes (split it into several files)"));
    }

    @Test
    void aDocumentOverTheCharacterLimitIsRefusedAndItsNeighboursLoad() {
        StringBuilder fiveMegabytes = new StringBuilder("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: big
                spec:
                  hosts:
                """);
        for (int i = 0; fiveMegabytes.length() < 5 << 20; i++) {
            fiveMegabytes.append("  - host-").append(i).append(".example.com\n");
        }

        ConfigReader.ReadResult result = reader.read(SOURCE, fiveMegabytes + GOOD_DOCUMENT);

        assertOnlySurvivorLoaded(result);
        assertThat(result.diagnostics()).containsExactly(
                error(1, "YAML refused: The incoming YAML document exceeds the limit: 4194304 code points."));
    }

    @Test
    void tooManyDocumentsInOneSourceAreRefused() {
        ConfigReader limited = ConfigReader.withLimits(new ReaderLimits(1 << 20, 1 << 20, 20, 64, 2, 1 << 16));
        String three = GOOD_DOCUMENT.repeat(3);

        ConfigReader.ReadResult result = limited.read(SOURCE, three);

        assertThat(result.resources()).hasSize(2);
        assertThat(result.diagnostics()).containsExactly(
                error(11, "more than 2 documents in one source (limit maxDocumentsPerSource)"));
    }

    @Test
    void limitsMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ReaderLimits(0, 1, 1, 1, 1, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> new ReaderLimits(1, 1, -1, 1, 1, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> new ReaderLimits(1, 1, 1, 0, 1, 1));
        assertThat(new ReaderLimits(1, 1, 0, 1, 1, 1).maxAliasesForCollections()).isZero();
    }

    private static String tenMegabyteDocument() {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: huge
                  annotations:
                    blob: "%s"
                """.formatted("x".repeat(10 << 20));
    }
}
