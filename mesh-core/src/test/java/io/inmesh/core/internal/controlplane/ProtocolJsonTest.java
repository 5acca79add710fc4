package io.inmesh.core.internal.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.Severity;
import io.inmesh.core.config.SourceLocation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolJsonTest {

    private static final String HASH = "3f2ac0" + "0".repeat(58);

    @Test
    void readsARulesEventAndSkipsUnknownFields() throws Exception {
        ProtocolJson.Rules rules = ProtocolJson.readRules("""
                {"version":7,"extra":{"nested":[1,2,{"x":null}]},"hash":"%s","publishedAt":"2026-12-02T09:56:08.412Z",
                 "documents":[{"origin":"bookinfo/reviews.yaml","firstLine":3,"resource":"VirtualService/bookinfo/reviews",
                 "yaml":"kind: VirtualService\\n","later":true}]}""".formatted(HASH));

        assertThat(rules.version()).isEqualTo(7);
        assertThat(rules.hash()).isEqualTo(HASH);
        assertThat(rules.publishedAt()).isEqualTo("2026-12-02T09:56:08.412Z");
        assertThat(rules.documents()).containsExactly(new ProtocolJson.Document("bookinfo/reviews.yaml", 3,
                "VirtualService/bookinfo/reviews", "kind: VirtualService\n"));
    }

    @Test
    void malformedDataNamesTheFieldAndWhatWasExpected() {
        assertThatThrownBy(() -> ProtocolJson.readRules("{\"version\":\"7\"}"))
                .hasMessage("version: a string (expected: an integer)");
        assertThatThrownBy(() -> ProtocolJson.readRules("{\"version\":7,\"hash\":\"ABC\",\"documents\":[]}"))
                .hasMessage("hash: \"ABC\" (expected: 64 lower-case hex digits)");
        assertThatThrownBy(() -> ProtocolJson.readRules("{\"version\":7,\"hash\":\"" + HASH + "\"}"))
                .hasMessage("documents: missing (expected: an array of documents)");
        assertThatThrownBy(() -> ProtocolJson.readRules("{\"version\":7,\"hash\":\"" + HASH
                + "\",\"documents\":[{\"origin\":\"a.yaml\",\"firstLine\":1}]}"))
                .hasMessage("documents[0].yaml: missing (expected: the document's text)");
        assertThatThrownBy(() -> ProtocolJson.readRules("{\"version\":7,\"hash\":\"" + HASH
                + "\",\"documents\":[{\"origin\":\"a.yaml\",\"firstLine\":2000000,\"yaml\":\"\"}]}"))
                .hasMessageStartingWith("documents[0].firstLine: 2000000 (expected: a line number, 1..");
        assertThatThrownBy(() -> ProtocolJson.readRules("{\"version\":7,")).hasMessageStartingWith("not JSON: ");
        assertThatThrownBy(() -> ProtocolJson.readRules("{\"version\":0,\"hash\":\"" + HASH + "\",\"documents\":[]}"))
                .hasMessage("version: 0 (expected: a positive integer)");
    }

    @Test
    void aReportCarriesAtMostAHundredDiagnosticsErrorsFirst() {
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            diagnostics.add(new Diagnostic(Severity.WARNING, new SourceLocation("a.yaml", i + 1, 1), null, null, "warning " + i));
        }
        diagnostics.add(new Diagnostic(Severity.ERROR, new SourceLocation("z.yaml", 4, 9), "VirtualService/bookinfo/reviews",
                "spec.http[0].route[1].weight", "weight: -1 (expected an integer >= 0)"));
        diagnostics.add(new Diagnostic(Severity.ERROR, SourceLocation.of("z.yaml"), null, null, "no \"quotes\" broken"));

        String json = ProtocolJson.report("bookinfo", "productpage-v1", "pod-7f9c", 7, HASH, false, diagnostics);

        assertThat(json).startsWith("{\"namespace\":\"bookinfo\",\"name\":\"productpage-v1\",\"instance\":\"pod-7f9c\",\"version\":7,\"hash\":\""
                + HASH + "\",\"status\":\"NACK\",\"diagnostics\":[{\"severity\":\"error\",\"source\":\"z.yaml\",\"line\":4,\"column\":9,"
                + "\"resource\":\"VirtualService/bookinfo/reviews\",\"field\":\"spec.http[0].route[1].weight\","
                + "\"message\":\"weight: -1 (expected an integer >= 0)\"},"
                + "{\"severity\":\"error\",\"source\":\"z.yaml\",\"message\":\"no \\\"quotes\\\" broken\"},");
        assertThat(json.split("\"severity\"", -1)).hasSize(101);
        assertThat(json).contains("warning 97").doesNotContain("warning 98");
        assertThat(ProtocolJson.report("b", "n", "i", 1, HASH, true, List.of())).contains("\"status\":\"ACK\",\"diagnostics\":[]");
    }
}
