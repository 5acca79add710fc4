package io.inmesh.examples.bookinfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step of the demo: rules to apply, as Istio's traffic-management tasks apply them, and the
 * users whose visits show their effect.
 *
 * @param title what the rules do, in a few words
 * @param rules the rule texts, applied together
 * @param audiences who visits the product page afterwards, each with the shares the rules promise
 */
public record Scenario(String title, List<RulesDirectory.RuleText> rules, List<Audience> audiences) {

    public Scenario {
        Objects.requireNonNull(title, "title");
        rules = List.copyOf(rules);
        audiences = List.copyOf(audiences);
        if (rules.isEmpty() || audiences.isEmpty()) {
            throw new IllegalArgumentException("a scenario needs rules and an audience");
        }
    }

    /**
     * Visitors of the product page.
     *
     * @param endUser the user they are logged in as (the {@code end-user} header), or {@code null} for anonymous visitors
     * @param expected the share of visits each reviews version should answer, 0 to 1; empty when not known
     */
    public record Audience(String endUser, Map<String, Double> expected) {
        public Audience {
            expected = Map.copyOf(expected);
        }

        /**
         * How many standard deviations of the binomial distribution a count may be from what the
         * rule promises before it is more than chance: at 4.5, a correct rule is flagged about once
         * in 150,000 lines.
         */
        public static final double TOLERANCE_SIGMAS = 4.5;

        /**
         * Whether {@code count} visits of {@code visits} answered by {@code version} is as the rule
         * promises, within chance: exactly all or none for a share of 1 or 0, else within
         * {@link #TOLERANCE_SIGMAS} standard deviations. Always true when nothing is expected.
         */
        public boolean withinChance(String version, int count, int visits) {
            if (expected.isEmpty()) {
                return true;
            }
            double share = expected.getOrDefault(version, 0.0);
            double mean = visits * share;
            double sd = Math.sqrt(visits * share * (1 - share));
            return Math.abs(count - mean) <= TOLERANCE_SIGMAS * sd + 1e-9;
        }

        /** How the audience is shown: {@code end-user jason}, or {@code everyone}. */
        public String label(boolean others) {
            return endUser != null ? "end-user " + endUser : others ? "everyone else" : "everyone";
        }
    }

    /** The scenarios of the demo, in order: Istio's traffic-shifting and request-routing tasks. */
    public static List<Scenario> builtIn() {
        return List.of(
                istio("All users to reviews v1", "virtual-service-all-v1.yaml", anyone("v1", 1.0)),
                istio("Shift 10% of reviews traffic to v2", "virtual-service-reviews-90-10.yaml", anyone("v1", 0.9, "v2", 0.1)),
                istio("Shift 20% of reviews traffic to v2", "virtual-service-reviews-80-20.yaml", anyone("v1", 0.8, "v2", 0.2)),
                istio("jason to reviews v2, everyone else to v3", "virtual-service-reviews-jason-v2-v3.yaml",
                        new Audience("jason", Map.of("v2", 1.0)), anyone("v3", 1.0)),
                istio("Half of reviews traffic to v1, half to v3", "virtual-service-reviews-50-v3.yaml", anyone("v1", 0.5, "v3", 0.5)));
    }

    /** A scenario of the user's own rules: jason's visits and anonymous ones, with no expectation. */
    public static Scenario custom(String title, List<RulesDirectory.RuleText> rules) {
        return new Scenario(title, rules, List.of(new Audience("jason", Map.of()), new Audience(null, Map.of())));
    }

    private static Scenario istio(String title, String file, Audience... audiences) {
        return new Scenario(title, List.of(Bookinfo.istioRules(file)), List.of(audiences));
    }

    private static Audience anyone(Object... versionsAndShares) {
        Map<String, Double> expected = new LinkedHashMap<>();
        for (int i = 0; i < versionsAndShares.length; i += 2) {
            expected.put((String) versionsAndShares[i], (Double) versionsAndShares[i + 1]);
        }
        return new Audience(null, expected);
    }
}
