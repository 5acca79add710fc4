package io.inmesh.benchmarks.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.ResourceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleSetTest {

    @TempDir
    Path directory;

    @Test
    void theGeneratedRuleSetIsValidIstioYamlWithTheDocumentsItCounts() {
        RuleSet rules = RuleSet.write(directory.resolve("rules"), 3, 4);

        MeshConfig.LoadResult loaded = MeshConfig.load(List.of(rules.directory()));

        assertThat(loaded.diagnostics()).filteredOn(d -> d.isError()).isEmpty();
        assertThat(loaded.isValid()).isTrue();
        // Bookinfo: 4 DestinationRules and 2 VirtualServices; per team namespace: 1 of each and 4 ServiceEntries.
        assertThat(rules.resources()).isEqualTo(6 + 3 * 6);
        assertThat(loaded.resourceCount()).isEqualTo(rules.resources());
        assertThat(loaded.config().resources()).filteredOn(r -> r.kind() == ResourceKind.SERVICE_ENTRY).hasSize(12);
    }

    @Test
    void eachEditChangesTheWeightsKeepsTheRulesValidAndSaysWhichEditItIs() throws Exception {
        RuleSet rules = RuleSet.write(directory.resolve("rules"), 1, 2);
        String before = Files.readString(rules.editedFile());

        rules.edit(7);

        String after = Files.readString(rules.editedFile());
        assertThat(RuleSet.editOf(before)).isEqualTo(OptionalInt.of(0));
        assertThat(RuleSet.editOf(after)).isEqualTo(OptionalInt.of(7));
        assertThat(before).contains("weight: 80", "weight: 20");
        assertThat(after).contains("weight: 73", "weight: 27").doesNotContain("weight: 80");
        assertThat(MeshConfig.load(List.of(rules.directory())).isValid()).isTrue();
        // The temporary file of the atomic move is gone.
        try (var files = Files.list(rules.editedFile().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void aTextWithoutTheMarkerIsNoEdit() {
        assertThat(RuleSet.editOf("apiVersion: networking.istio.io/v1\nkind: VirtualService\n")).isEmpty();
    }
}
