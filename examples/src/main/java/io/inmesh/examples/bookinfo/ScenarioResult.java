package io.inmesh.examples.bookinfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one scenario showed.
 *
 * @param scenario the scenario
 * @param problem why the rules did not take effect (refused, or not taken up in time), or {@code null}
 * @param takeUp from writing the rules until every mesh ran on them; {@code null} when they did not
 * @param tallies the visits of each audience, in the scenario's order; empty when the rules did not take effect
 */
public record ScenarioResult(Scenario scenario, String problem, Duration takeUp, List<Tally> tallies) {

    public ScenarioResult {
        Objects.requireNonNull(scenario, "scenario");
        tallies = List.copyOf(tallies);
    }

    /** Whether the rules took effect, no visit failed, and every share is as the rule promises, within chance. */
    public boolean ok() {
        return problem == null && tallies.stream().allMatch(tally -> tally.failed() == 0) && offRule().isEmpty();
    }

    /**
     * The shares further from what the rule promises than chance explains, as
     * {@code everyone: reviews v2 14.0%}; empty when all are within
     * {@link Scenario.Audience#TOLERANCE_SIGMAS} standard deviations.
     */
    public List<String> offRule() {
        List<String> off = new ArrayList<>();
        boolean someoneNamed = scenario.audiences().stream().anyMatch(audience -> audience.endUser() != null);
        for (int i = 0; i < tallies.size(); i++) {
            Scenario.Audience audience = scenario.audiences().get(i);
            Tally tally = tallies.get(i);
            Set<String> versions = new TreeSet<>(audience.expected().keySet());
            versions.addAll(tally.versions().keySet());
            for (String version : versions) {
                if (!audience.withinChance(version, tally.count(version), tally.visits())) {
                    off.add(String.format(Locale.ROOT, "%s: reviews %s %.1f%%", audience.label(audience.endUser() == null && someoneNamed),
                            version, 100 * tally.share(version)));
                }
            }
        }
        return off;
    }

    /** The visits of the audience {@code index}. */
    public Tally tally(int index) {
        return tallies.get(index);
    }
}
