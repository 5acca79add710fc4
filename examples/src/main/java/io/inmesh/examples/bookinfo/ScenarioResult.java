package io.inmesh.examples.bookinfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * @param rounds the calls of each round of the scenario's load, in order; empty when it has none
 */
public record ScenarioResult(Scenario scenario, String problem, Duration takeUp, List<Tally> tallies, List<CallTally> rounds) {

    /**
     * How long a call the circuit breaker refuses may take at most: Envoy refuses it at once, without
     * queueing; a second is generous for a loaded machine and far from any queueing behind a call.
     */
    public static final Duration FAIL_FAST = Duration.ofSeconds(1);

    public ScenarioResult {
        Objects.requireNonNull(scenario, "scenario");
        tallies = List.copyOf(tallies);
        rounds = List.copyOf(rounds);
    }

    /** The result of a scenario without a load. */
    public ScenarioResult(Scenario scenario, String problem, Duration takeUp, List<Tally> tallies) {
        this(scenario, problem, takeUp, tallies, List.of());
    }

    /** Whether the rules took effect and every audience and round saw what the scenario promises: {@link #problems()} is empty. */
    public boolean ok() {
        return problems().isEmpty();
    }

    /**
     * Everything that is not as the scenario promises, a line each: the rules did not take effect,
     * visits failed, a page did not show what Istio's task says or took longer, a share is off its
     * rule beyond chance, or a round of calls did not show the circuit breaker as Istio's task does.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (problem != null) {
            problems.add(problem);
            return problems;
        }
        boolean someoneNamed = someoneNamed();
        for (int i = 0; i < tallies.size(); i++) {
            Scenario.Audience audience = scenario.audiences().get(i);
            Tally tally = tallies.get(i);
            String who = audience.label(audience.endUser() == null && someoneNamed);
            Scenario.PageExpectation page = audience.page();
            if (page == null) {
                if (tally.failed() > 0) {
                    problems.add(String.format(Locale.ROOT, "%s: %d of %d visits failed", who, tally.failed(), tally.visits()));
                }
                continue;
            }
            int showing = tally.showing(page.shows());
            if (showing < tally.visits()) {
                problems.add(String.format(Locale.ROOT, "%s: %d of %d visits showed %s", who, showing, tally.visits(), page.shows()));
            }
            if (!page.aboutRight(tally.medianElapsed())) {
                problems.add(String.format(Locale.ROOT, "%s: the median visit took %.2f s (expected about %.1f s)", who,
                        tally.medianElapsed().toNanos() / 1e9, page.about().toNanos() / 1e9));
            }
        }
        problems.addAll(offRule());
        for (int i = 0; i < rounds.size(); i++) {
            Scenario.Round round = scenario.load().rounds().get(i);
            CallTally calls = rounds.get(i);
            String which = String.format(Locale.ROOT, "%d callers", round.callers());
            if (calls.other() > 0) {
                problems.add(which + ": " + calls.other() + " calls neither answered " + CallTally.OK + " nor failed fast with "
                        + CallTally.OVERFLOW + ": " + calls.outcomes());
            }
            if (round.mustOverflow() && (calls.overflowed() == 0 || calls.ok() == 0)) {
                problems.add(which + ": expected some calls refused with " + CallTally.OVERFLOW + " and some answered "
                        + CallTally.OK + ", got " + calls.outcomes());
            }
            if (calls.slowest(CallTally.OVERFLOW).compareTo(FAIL_FAST) > 0) {
                problems.add(String.format(Locale.ROOT, "%s: a call refused with %s took %d ms (expected at most %d ms: it must fail fast)",
                        which, CallTally.OVERFLOW, calls.slowest(CallTally.OVERFLOW).toMillis(), FAIL_FAST.toMillis()));
            }
        }
        return problems;
    }

    /**
     * The shares further from what the rule promises than chance explains, as
     * {@code everyone: reviews v2 14.0%}; empty when all are within
     * {@link Scenario.Audience#TOLERANCE_SIGMAS} standard deviations.
     */
    public List<String> offRule() {
        List<String> off = new ArrayList<>();
        boolean someoneNamed = someoneNamed();
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

    /** The calls of round {@code index} of the load. */
    public CallTally round(int index) {
        return rounds.get(index);
    }

    /** Whether the scenario names an end user, so that anonymous visitors are "everyone else". */
    private boolean someoneNamed() {
        return scenario.audiences().stream().anyMatch(audience -> audience.endUser() != null);
    }

    /** Outcomes as {@code 200 x 12 (40%), 503 UO x 18 (60%)}. */
    static String describe(Map<String, Integer> outcomes, int total) {
        List<String> parts = new ArrayList<>();
        outcomes.forEach((outcome, count) -> parts.add(String.format(Locale.ROOT, "%s x %d (%.0f%%)", outcome, count, 100.0 * count / total)));
        return String.join(", ", parts);
    }
}
