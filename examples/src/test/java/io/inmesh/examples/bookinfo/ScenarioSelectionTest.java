package io.inmesh.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --scenarios}: numbers, ranges, ids and {@code all}, in the order given, each once; anything else a clear error. */
class ScenarioSelectionTest {

    private final List<Scenario> builtIn = Scenario.builtIn();

    @Test
    void allSelectsEveryScenarioInOrder() {
        assertThat(ScenarioSelection.parse("all", builtIn)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void numbersRangesAndIdsMixInTheOrderGivenEachOnce() {
        assertThat(ScenarioSelection.parse("10, 6-8,fault-delay,Reviews-Timeout,2", builtIn)).containsExactly(10, 6, 7, 8, 9, 2);
    }

    @Test
    void theIdsAreTheResilienceTasksAfterTheRoutingOnes() {
        assertThat(builtIn).extracting(Scenario::id).containsExactly("all-v1", "reviews-90-10", "reviews-80-20", "jason-v2-v3",
                "reviews-50-v3", "fault-delay", "fault-abort", "ratings-delay", "reviews-timeout", "circuit-breaking");
    }

    @Test
    void anUnknownIdNamesItAndListsTheChoices() {
        assertThatThrownBy(() -> ScenarioSelection.parse("1,fault-dealy", builtIn))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--scenarios 1,fault-dealy: no scenario fault-dealy (expected all, numbers 1 to 10, ranges such as 6-10, "
                        + "or ids: all-v1, reviews-90-10, reviews-80-20, jason-v2-v3, reviews-50-v3, fault-delay, fault-abort, "
                        + "ratings-delay, reviews-timeout, circuit-breaking)");
    }

    @Test
    void numbersOutsideTheListAndBackwardRangesAreRefused() {
        assertThatThrownBy(() -> ScenarioSelection.parse("11", builtIn)).hasMessage(
                "--scenarios 11: 11 (expected scenario numbers 1 to 10, a range low to high)");
        assertThatThrownBy(() -> ScenarioSelection.parse("0", builtIn)).hasMessageContaining("0 (expected scenario numbers 1 to 10");
        assertThatThrownBy(() -> ScenarioSelection.parse("8-6", builtIn)).hasMessageContaining("8-6 (expected scenario numbers");
    }

    @Test
    void emptyListsAndItemsAreRefused() {
        assertThatThrownBy(() -> ScenarioSelection.parse(" ", builtIn)).hasMessageStartingWith("--scenarios is empty (expected all,");
        assertThatThrownBy(() -> ScenarioSelection.parse("6,,7", builtIn)).hasMessageStartingWith("--scenarios 6,,7: an empty item");
    }

    @Test
    void theListingShowsNumberIdAndTitle() {
        assertThat(ScenarioSelection.listing(builtIn)).hasSize(10)
                .startsWith(" 1  all-v1            All users to reviews v1")
                .endsWith("10  circuit-breaking  Circuit breaking: a connection pool of one on details");
    }
}
