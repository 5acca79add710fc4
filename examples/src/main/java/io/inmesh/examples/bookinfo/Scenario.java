package io.inmesh.examples.bookinfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step of the demo: rules to apply, as Istio's traffic-management tasks apply them, what
 * Istio's task says you should then see, and the users (or callers) whose requests show it.
 *
 * @param id a short name to select it by, such as {@code fault-delay}
 * @param title what the rules do, in a few words
 * @param rules the rule texts, applied together; they include what the task sets up first, so that
 *     the scenario shows the same whichever scenarios ran before it
 * @param audiences who visits the product page afterwards, each with what the rules promise them
 * @param istioSays what Istio's task says you should see, or {@code null} when nothing is known
 * @param load concurrent calls of one service by another to make afterwards, or {@code null}
 * @param cleanup rules applied after the visits, as the task's clean-up step: they restore the
 *     routing the other scenarios start from; empty for none
 */
public record Scenario(String id, String title, List<RulesDirectory.RuleText> rules, List<Audience> audiences,
        String istioSays, Load load, List<RulesDirectory.RuleText> cleanup) {

    public Scenario {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        rules = List.copyOf(rules);
        audiences = List.copyOf(audiences);
        cleanup = List.copyOf(cleanup);
        if (rules.isEmpty() || audiences.isEmpty() && load == null) {
            throw new IllegalArgumentException("scenario " + id + ": a scenario needs rules, and an audience or a load");
        }
    }

    /** A scenario of rules and visitors, with nothing Istio says and nothing to clean up. */
    public Scenario(String id, String title, List<RulesDirectory.RuleText> rules, List<Audience> audiences) {
        this(id, title, rules, audiences, null, null, List.of());
    }

    /**
     * Visitors of the product page.
     *
     * @param endUser the user they are logged in as (the {@code end-user} header), or {@code null} for anonymous visitors
     * @param expected the share of visits each reviews version should answer, 0 to 1; empty when not known
     * @param page what every visit's page should show, and in about how long; {@code null} when
     *     every visit should show the whole page with no error
     * @param visits how many visits to make at most, whatever {@code --requests} says; 0 for no limit
     */
    public record Audience(String endUser, Map<String, Double> expected, PageExpectation page, int visits) {
        public Audience {
            expected = Map.copyOf(expected);
            if (visits < 0) {
                throw new IllegalArgumentException("visits " + visits + " (expected 0 for no limit, or more)");
            }
        }

        /** Visitors whose visits split between reviews versions as {@code expected} says. */
        public Audience(String endUser, Map<String, Double> expected) {
            this(endUser, expected, null, 0);
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

        /** How many visits to make when {@code --requests} asks for {@code requested}. */
        public int visitsOf(int requested) {
            return visits == 0 ? requested : Math.min(visits, requested);
        }
    }

    /**
     * What every visit's page should show, and in about how long.
     *
     * @param reviewsVersion the reviews version that should answer; {@code null} when the page shows no reviews
     * @param page what the page should show
     * @param about how long a visit should take, as Istio's task says; {@code null} when it does not say
     */
    public record PageExpectation(String reviewsVersion, Visit.Page page, Duration about) {
        public PageExpectation {
            Objects.requireNonNull(page, "page");
        }

        /** What the page should show, as {@link Visit#shows()} words it. */
        public String shows() {
            return Visit.shows(reviewsVersion, page);
        }

        /**
         * Whether the median visit took about as long as expected: not less than 90 % of it (the
         * delays and timeouts that make it up never end early), and not more than 150 % of it plus
         * half a second, which is generous for a loaded machine (a shared build machine adds most
         * of a second to a visit) and still tells 6 s from the 7 s delay plus the page's own work.
         * Always true when no time is expected.
         */
        public boolean aboutRight(Duration median) {
            if (about == null) {
                return true;
            }
            long nanos = median.toNanos();
            return nanos >= about.toNanos() * 9 / 10 && nanos <= about.toNanos() * 3 / 2 + SLACK_NANOS;
        }

        private static final long SLACK_NANOS = 500_000_000L;
    }

    /**
     * Concurrent calls from one Bookinfo service to another, as the {@code fortio} client of Istio's
     * circuit-breaking task makes them: each round runs {@code callers} callers that together make
     * {@code calls} calls, each caller one call after the other.
     *
     * @param fromApp the service whose mesh calls, such as {@code productpage}
     * @param url the URL called, such as {@code http://details:9080/details/0}
     * @param rounds the rounds, in order
     */
    public record Load(String fromApp, String url, List<Round> rounds) {
        public Load {
            Objects.requireNonNull(fromApp, "fromApp");
            Objects.requireNonNull(url, "url");
            rounds = List.copyOf(rounds);
            if (rounds.isEmpty()) {
                throw new IllegalArgumentException("a load needs at least one round");
            }
        }
    }

    /**
     * One round of a {@link Load}.
     *
     * @param callers how many callers call at once, as fortio's {@code -c}
     * @param calls how many calls they make in all, as fortio's {@code -n}
     * @param mustOverflow whether the round must show the circuit breaker at work: some calls
     *     refused at once with 503 and flag {@code UO}, and some answered 200
     */
    public record Round(int callers, int calls, boolean mustOverflow) {
        public Round {
            if (callers < 1 || calls < callers) {
                throw new IllegalArgumentException("callers " + callers + ", calls " + calls
                        + " (expected 1 or more callers and at least one call each)");
            }
        }
    }

    /**
     * Visits of an audience of the resilience scenarios whose pages come at once: enough to show
     * that every page is the same, without the thousands a traffic split needs to show its shares.
     */
    private static final int QUICK_VISITS = 200;

    /** The scenarios of the demo, in order: Istio's traffic-shifting, request-routing, fault-injection, request-timeout and circuit-breaking tasks. */
    public static List<Scenario> builtIn() {
        List<RulesDirectory.RuleText> allV1 = List.of(Bookinfo.istioRules("virtual-service-all-v1.yaml"));
        return List.of(
                istio("all-v1", "All users to reviews v1", "virtual-service-all-v1.yaml", anyone("v1", 1.0)),
                istio("reviews-90-10", "Shift 10% of reviews traffic to v2", "virtual-service-reviews-90-10.yaml", anyone("v1", 0.9, "v2", 0.1)),
                istio("reviews-80-20", "Shift 20% of reviews traffic to v2", "virtual-service-reviews-80-20.yaml", anyone("v1", 0.8, "v2", 0.2)),
                istio("jason-v2-v3", "jason to reviews v2, everyone else to v3", "virtual-service-reviews-jason-v2-v3.yaml",
                        new Audience("jason", Map.of("v2", 1.0)), anyone("v3", 1.0)),
                istio("reviews-50-v3", "Half of reviews traffic to v1, half to v3", "virtual-service-reviews-50-v3.yaml",
                        anyone("v1", 0.5, "v3", 0.5)),
                new Scenario("fault-delay", "Fault injection: ratings delayed 7 s for jason",
                        rules("virtual-service-all-v1.yaml", "virtual-service-reviews-test-v2.yaml", "virtual-service-ratings-test-delay.yaml"),
                        List.of(new Audience("jason", Map.of(),
                                        new PageExpectation(null, Visit.Page.REVIEWS_UNAVAILABLE, Duration.ofSeconds(6)), 10),
                                new Audience(null, Map.of(), new PageExpectation("v1", Visit.Page.NO_STARS, null), QUICK_VISITS)),
                        "Istio's \"Fault Injection\" task, delay: jason's page takes about 6 s and shows \""
                                + ProductPage.REVIEWS_UNAVAILABLE + "\": productpage waits 3 s for reviews and asks once more, "
                                + "6 s in all, less than the 7 s delay that reviews v2 (10 s timeout for ratings) waits out; "
                                + "everyone else sees reviews v1 without stars.",
                        null, allV1),
                new Scenario("fault-abort", "Fault injection: ratings abort with HTTP 500 for jason",
                        rules("virtual-service-all-v1.yaml", "virtual-service-reviews-test-v2.yaml", "virtual-service-ratings-test-abort.yaml"),
                        List.of(new Audience("jason", Map.of(), new PageExpectation("v2", Visit.Page.RATINGS_UNAVAILABLE, null),
                                        QUICK_VISITS),
                                new Audience(null, Map.of(), new PageExpectation("v1", Visit.Page.NO_STARS, null), QUICK_VISITS)),
                        "Istio's \"Fault Injection\" task, abort: jason's page loads at once with \"" + Reviews.RATINGS_UNAVAILABLE
                                + "\" in place of the stars; everyone else sees reviews v1 without stars.",
                        null, allV1),
                new Scenario("ratings-delay", "Request timeouts: reviews to v2, ratings delayed 2 s",
                        rules("virtual-service-all-v1.yaml", "task-request-timeouts-reviews-v2.yaml", "task-request-timeouts-ratings-delay.yaml"),
                        List.of(new Audience(null, Map.of(), new PageExpectation("v2", Visit.Page.BLACK_STARS, Duration.ofSeconds(2)), 32)),
                        "Istio's \"Request Timeouts\" task, with no timeout: the page works, with black stars, but takes "
                                + "about 2 s.",
                        null, allV1),
                new Scenario("reviews-timeout", "Request timeouts: 0.5 s timeout on reviews",
                        rules("virtual-service-all-v1.yaml", "task-request-timeouts-ratings-delay.yaml",
                                "task-request-timeouts-reviews-timeout.yaml"),
                        List.of(new Audience(null, Map.of(), new PageExpectation(null, Visit.Page.REVIEWS_UNAVAILABLE, Duration.ofSeconds(1)),
                                32)),
                        "Istio's \"Request Timeouts\" task, with timeout: 0.5s: the page returns in about 1 s instead of 2, "
                                + "since productpage asks reviews twice, and shows \"" + ProductPage.REVIEWS_UNAVAILABLE + "\".",
                        null, allV1),
                new Scenario("circuit-breaking", "Circuit breaking: a connection pool of one on details",
                        rules("virtual-service-all-v1.yaml", "task-circuit-breaking-details.yaml"),
                        List.of(),
                        "Istio's \"Circuit Breaking\" task: with maxConnections: 1 and http1MaxPendingRequests: 1, a call "
                                + "beyond one in flight and one waiting fails at once with 503 (flag UO). With 2 callers at once "
                                + "every call gets through, as the task's fortio got almost every one; with 3, a third to two "
                                + "thirds are refused, how many depending on timing. What must hold: the refused calls fail at "
                                + "once, the others answer 200, and nothing else happens.",
                        new Load("productpage", ProductPage.DETAILS_URL,
                                List.of(new Round(2, 20, false), new Round(3, 30, true))),
                        List.of(Bookinfo.istioRules("destination-rule-all.yaml"))));
    }

    /** A scenario of the user's own rules: jason's visits and anonymous ones, with no expectation. */
    public static Scenario custom(String title, List<RulesDirectory.RuleText> rules) {
        return new Scenario("custom", title, rules, List.of(new Audience("jason", Map.of()), new Audience(null, Map.of())));
    }

    private static Scenario istio(String id, String title, String file, Audience... audiences) {
        return new Scenario(id, title, List.of(Bookinfo.istioRules(file)), List.of(audiences));
    }

    private static List<RulesDirectory.RuleText> rules(String... files) {
        List<RulesDirectory.RuleText> rules = new ArrayList<>();
        for (String file : files) {
            rules.add(Bookinfo.istioRules(file));
        }
        return rules;
    }

    private static Audience anyone(Object... versionsAndShares) {
        Map<String, Double> expected = new LinkedHashMap<>();
        for (int i = 0; i < versionsAndShares.length; i += 2) {
            expected.put((String) versionsAndShares[i], (Double) versionsAndShares[i + 1]);
        }
        return new Audience(null, expected);
    }
}
