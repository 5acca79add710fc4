package io.inmesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.model.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A YAML syntax error is reported at its line and column in the file, whichever document it is in,
 * and costs only its own document.
 */
class ConfigReaderSyntaxErrorTest {

    private static final String SOURCE = "broken.yaml";

    private final ConfigReader reader = ConfigReader.create();

    private static Diagnostic syntaxError(int line, int column, String message) {
        return new Diagnostic(Severity.ERROR, new SourceLocation(SOURCE, line, column), null, null,
                "YAML syntax error: " + message);
    }

    @Test
    void anErrorInTheThirdDocumentNamesItsLineAndColumnAndTheOthersLoad() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: first
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: second
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: third
                spec:
                  hosts: [reviews
                  http: []
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: fourth
                """);

        assertThat(result.resources()).extracting(Resource::name).containsExactly("first", "second", "fourth");
        assertThat(result.resources().get(2).location()).isEqualTo(new SourceLocation(SOURCE, 19, 1));
        assertThat(result.diagnostics()).containsExactly(
                syntaxError(17, 7, "while parsing a flow sequence: expected ',' or ']', but got :"));
    }

    @Test
    void everyBrokenDocumentIsReportedNotOnlyTheFirst() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: ok
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: bad-indent
                spec:
                  hosts:
                  - reviews
                    gateways: [mesh]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: bad-alias
                spec:
                  hosts: *shared
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: also-ok
                """);

        assertThat(result.resources()).extracting(Resource::name).containsExactly("ok", "also-ok");
        assertThat(result.diagnostics()).containsExactly(
                syntaxError(13, 13, "mapping values are not allowed here"),
                syntaxError(20, 10, "found undefined alias shared"));
    }

    @Test
    void anUnclosedQuoteOrBracketIsReportedWhereItOpensNotAtTheNextDocument() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: quote
                spec:
                  hosts:
                  - "reviews
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: ok
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: bracket
                  labels: {app: reviews
                """);

        assertThat(result.resources()).extracting(Resource::name).containsExactly("ok");
        assertThat(result.diagnostics()).containsExactly(
                syntaxError(7, 5, "while scanning a quoted scalar: found unexpected end of stream"),
                syntaxError(18, 11, "while parsing a flow mapping: expected ',' or '}', but got <stream end>"));
    }

    @Test
    void aTabInIndentationIsASyntaxErrorOnItsLine() {
        ConfigReader.ReadResult result = reader.read(SOURCE, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: ok
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                \tname: tabbed
                """);

        assertThat(result.resources()).extracting(Resource::name).containsExactly("ok");
        assertThat(result.diagnostics()).singleElement().satisfies(diagnostic -> {
            assertThat(diagnostic.location()).isEqualTo(new SourceLocation(SOURCE, 9, 1));
            assertThat(diagnostic.resource()).isNull();
            assertThat(diagnostic.message()).startsWith("YAML syntax error: ").contains("TAB");
        });
    }

    @Test
    void aSyntaxErrorInAFileNamesTheFile(@TempDir Path folder) throws IOException {
        Path file = Files.writeString(folder.resolve("vs.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews
                """);

        ConfigReader.ReadResult result = reader.read(List.of(file));

        assertThat(result.diagnostics()).extracting(Diagnostic::format).containsExactly(file + ":3:11: error:"
                + " YAML syntax error: while parsing a flow mapping: expected ',' or '}', but got <stream end>");
    }
}
