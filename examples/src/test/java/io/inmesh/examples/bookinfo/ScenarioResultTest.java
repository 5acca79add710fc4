package io.inmesh.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What makes a scenario as Istio's task says, and what is reported when it is not. */
class ScenarioResultTest {

    private static final String REVIEWS_ERROR = "{\"reviewsVersion\": null, \"details\": {\"id\": 0},"
            + " \"reviews\": {\"error\": \"" + ProductPage.REVIEWS_UNAVAILABLE + "\", \"reason\": \"no answer within 3000 ms\"}}";
    private static final String V1_PAGE = "{\"reviewsVersion\": \"v1\", \"details\": {\"id\": 0},"
            + " \"reviews\": {\"version\": \"v1\", \"reviews\": [{\"reviewer\": \"Reviewer1\"}]}}";

    private final Scenario faultDelay = Scenario.builtIn().get(5);
    private final Scenario circuitBreaking = Scenario.builtIn().get(9);

    @Test
    void pagesThatShowWhatTheTaskSaysInAboutTheTimeItSaysAreOk() {
        ScenarioResult result = new ScenarioResult(faultDelay, null, Duration.ofMillis(200),
                List.of(tally(10, REVIEWS_ERROR, 6_050), tally(100, V1_PAGE, 20)));

        assertThat(result.problems()).isEmpty();
        assertThat(result.ok()).isTrue();
    }

    @Test
    void aPageOtherThanTheTaskSaysIsAProblemEvenWhenNothingFailed() {
        String blackStars = "{\"reviewsVersion\": \"v2\", \"details\": {}, \"reviews\": {\"version\": \"v2\", \"reviews\": "
                + "[{\"reviewer\": \"Reviewer1\", \"rating\": {\"stars\": 5, \"color\": \"black\"}}]}}";
        Tally jason = tally(10, blackStars, 30);

        ScenarioResult result = new ScenarioResult(faultDelay, null, Duration.ofMillis(200), List.of(jason, tally(100, V1_PAGE, 20)));

        assertThat(jason.failed()).isZero();
        assertThat(result.problems()).containsExactly(
                "end-user jason: 0 of 10 visits showed \"Sorry, product reviews are currently unavailable for this book.\"",
                "end-user jason: the median visit took 0.03 s (expected about 6.0 s)");
    }

    @Test
    void aMedianVisitMuchSlowerThanTheTaskSaysIsAProblem() {
        ScenarioResult result = new ScenarioResult(faultDelay, null, Duration.ofMillis(200),
                List.of(tally(10, REVIEWS_ERROR, 10_000), tally(100, V1_PAGE, 20)));

        assertThat(result.problems()).containsExactly("end-user jason: the median visit took 10.00 s (expected about 6.0 s)");
    }

    @Test
    void aboutMeansNoLessThan90PercentAndNoMoreThan150PercentAndHalfASecond() {
        Scenario.PageExpectation oneSecond = new Scenario.PageExpectation(null, Visit.Page.REVIEWS_UNAVAILABLE, Duration.ofSeconds(1));

        assertThat(oneSecond.aboutRight(Duration.ofMillis(899))).isFalse();
        assertThat(oneSecond.aboutRight(Duration.ofMillis(900))).isTrue();
        assertThat(oneSecond.aboutRight(Duration.ofMillis(2000))).isTrue();
        assertThat(oneSecond.aboutRight(Duration.ofMillis(2001))).isFalse();
        assertThat(new Scenario.PageExpectation("v1", Visit.Page.NO_STARS, null).aboutRight(Duration.ofSeconds(60))).isTrue();
    }

    @Test
    void theCircuitBreakerMustRefuseSomeCallsFastAndLetSomeThrough() {
        CallTally twoCallers = calls(Map.of("200", 20), 1);
        CallTally threeCallers = calls(Map.of("200", 11, "503 UO", 19), 1);

        ScenarioResult result = new ScenarioResult(circuitBreaking, null, Duration.ZERO, List.of(), List.of(twoCallers, threeCallers));

        assertThat(result.problems()).isEmpty();
        assertThat(ScenarioResult.describe(threeCallers.outcomes(), threeCallers.calls())).isEqualTo("200 x 11 (37%), 503 UO x 19 (63%)");
    }

    @Test
    void noOverflowOtherFailuresOrSlowRefusalsAreProblems() {
        CallTally allThrough = calls(Map.of("200", 30), 1);
        CallTally ejected = calls(Map.of("200", 10, "503 UO", 10, "503 UH", 10), 1);
        CallTally queued = calls(Map.of("200", 10, "503 UO", 20), 1500);

        assertThat(new ScenarioResult(circuitBreaking, null, Duration.ZERO, List.of(), List.of(allThrough, allThrough)).problems())
                .containsExactly("3 callers: expected some calls refused with 503 UO and some answered 200, got {200=30}");
        assertThat(new ScenarioResult(circuitBreaking, null, Duration.ZERO, List.of(), List.of(allThrough, ejected)).problems())
                .containsExactly("3 callers: 10 calls neither answered 200 nor failed fast with 503 UO: {200=10, 503 UH=10, 503 UO=10}");
        assertThat(new ScenarioResult(circuitBreaking, null, Duration.ZERO, List.of(), List.of(allThrough, queued)).problems())
                .containsExactly("3 callers: a call refused with 503 UO took 1500 ms (expected at most 1000 ms: it must fail fast)");
    }

    @Test
    void rulesThatDidNotTakeEffectAreTheOnlyProblem() {
        ScenarioResult result = new ScenarioResult(faultDelay, "rules refused", null, List.of());

        assertThat(result.problems()).containsExactly("rules refused");
        assertThat(result.ok()).isFalse();
    }

    @Test
    void splitScenariosStillNeedEveryVisitWholeAndEveryShareWithinChance() {
        Scenario allV1 = Scenario.builtIn().get(0);

        assertThat(new ScenarioResult(allV1, null, Duration.ZERO, List.of(tally(100, V1_PAGE, 10))).ok()).isTrue();
        assertThat(new ScenarioResult(allV1, null, Duration.ZERO, List.of(tally(100, REVIEWS_ERROR, 10))).problems())
                .containsExactly("everyone: 100 of 100 visits failed", "everyone: reviews v1 0.0%");
    }

    private static Tally tally(int visits, String page, long elapsedMillis) {
        Tally tally = new Tally();
        for (int i = 0; i < visits; i++) {
            tally.add(Visit.of(200, page, System.nanoTime() - elapsedMillis * 1_000_000));
        }
        return tally;
    }

    private static CallTally calls(Map<String, Integer> outcomes, long elapsedMillis) {
        CallTally tally = new CallTally();
        outcomes.forEach((outcome, count) -> {
            for (int i = 0; i < count; i++) {
                tally.add(new CallTally.Call(outcome, elapsedMillis * 1_000_000));
            }
        });
        return tally;
    }
}
