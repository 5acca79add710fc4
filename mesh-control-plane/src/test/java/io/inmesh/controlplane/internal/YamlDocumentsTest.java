package io.inmesh.controlplane.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class YamlDocumentsTest {

    @Test
    void splitsAtDocumentMarkersKeepingLineNumbersAndEveryLine() {
        String text = "# leading comment\n"
                + "kind: A\n"
                + "---\n"
                + "kind: B\n"
                + "\n"
                + "# before C\n"
                + "---\n"
                + "kind: C\n";

        List<YamlDocuments.Chunk> chunks = YamlDocuments.split(text);

        assertThat(chunks).extracting(YamlDocuments.Chunk::firstLine).containsExactly(1, 3, 7);
        assertThat(chunks).extracting(YamlDocuments.Chunk::lineCount).containsExactly(2, 4, 2);
        assertThat(chunks).allMatch(YamlDocuments.Chunk::hasContent);
        assertThat(String.join("", chunks.stream().map(YamlDocuments.Chunk::text).toList())).isEqualTo(text);
        assertThat(chunks.get(1).contains(6)).isTrue();
        assertThat(chunks.get(1).contains(7)).isFalse();
    }

    @Test
    void aLeadingMarkerAndCommentsBeforeItStayWithTheFirstDocument() {
        List<YamlDocuments.Chunk> chunks = YamlDocuments.split("# licence\n---\nkind: A\n");

        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).firstLine()).isEqualTo(1);
    }

    @Test
    void trailingCommentsAfterAnEndMarkerHaveNoContent() {
        List<YamlDocuments.Chunk> chunks = YamlDocuments.split("kind: A\n...\n# the end\n");

        assertThat(chunks).extracting(YamlDocuments.Chunk::hasContent).containsExactly(true, false);
        assertThat(chunks.get(1).firstLine()).isEqualTo(3);
    }

    @Test
    void aLastLineWithoutLineBreakIsKept() {
        List<YamlDocuments.Chunk> chunks = YamlDocuments.split("kind: A\n---\nkind: B");

        assertThat(chunks).extracting(YamlDocuments.Chunk::text).containsExactly("kind: A\n", "---\nkind: B\n");
    }
}
