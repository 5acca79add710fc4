package io.inmesh.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.testing.BlockHoundExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the Bookinfo demo's resilience scenarios (6 to 10) end to end in this JVM, with BlockHound
 * watching the event loops, and checks what a user of Istio's tasks sees: the fault-injection task's
 * 7 s delay and HTTP 500 abort for jason, the request-timeouts task's 2 s delay and 0.5 s timeout, and
 * the circuit-breaking task's connection pool of one, which refuses some concurrent calls at once
 * with 503 and flag UO.
 */
@ExtendWith(BlockHoundExtension.class)
class ResilienceScenariosIT {

    private static final int VISITS = 50;

    @Test
    @Timeout(120) // against a hang only: the run takes about 20 s
    void theResilienceScenariosShowWhatIstiosTasksSay() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        BookinfoDemo demo = new BookinfoDemo(new PrintStream(printed, true, StandardCharsets.UTF_8));

        int exit = BookinfoDemo.commandLine(demo).execute("--scenarios", "6-10", "--requests", String.valueOf(VISITS), "--seed", "4");

        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        List<ScenarioResult> results = demo.results();
        assertThat(results).as(output).extracting(result -> result.scenario().id())
                .containsExactly("fault-delay", "fault-abort", "ratings-delay", "reviews-timeout", "circuit-breaking");
        SoftAssertions softly = new SoftAssertions();
        // Each scenario's own checks: every page as the task says, the median visit about as long (at most 150 % + 0.5 s).
        for (ScenarioResult result : results) {
            softly.assertThat(result.problems()).as("%s:%n%s", result.scenario().id(), output).isEmpty();
        }

        // Fault injection, delay: productpage gives up on reviews after its own 3 s, twice, before the 7 s delay ends.
        // (Lower bounds on time are safe: delays and timeouts never end early.)
        Tally jasonDelayed = results.get(0).tally(0);
        softly.assertThat(jasonDelayed.showing(Visit.shows(null, Visit.Page.REVIEWS_UNAVAILABLE))).isEqualTo(jasonDelayed.visits());
        softly.assertThat(jasonDelayed.medianElapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(6));
        softly.assertThat(jasonDelayed.failures().keySet()).allMatch(reason -> reason.contains("no answer within 3000 ms"), "productpage's own timeout");
        softly.assertThat(results.get(0).tally(1).showing("reviews v1 without stars")).isEqualTo(VISITS);

        // Fault injection, abort: reviews v2 shows the ratings error, and the mesh says the fault was injected (FI).
        Tally jasonAborted = results.get(1).tally(0);
        softly.assertThat(jasonAborted.showing("reviews v2 with \"Ratings service is currently unavailable\"")).isEqualTo(VISITS);
        softly.assertThat(jasonAborted.failures().keySet()).allMatch(reason -> reason.contains("answered 500 FI"), "500 with flag FI");
        softly.assertThat(results.get(1).tally(1).showing("reviews v1 without stars")).isEqualTo(VISITS);

        // Request timeouts: 2 s without a timeout; about 1 s (two tries of 0.5 s) with one, each ended by the mesh with 504 UT.
        Tally delayed = results.get(2).tally(0);
        softly.assertThat(delayed.showing("reviews v2 with black stars")).isEqualTo(delayed.visits());
        softly.assertThat(delayed.medianElapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        Tally timedOut = results.get(3).tally(0);
        softly.assertThat(timedOut.showing(Visit.shows(null, Visit.Page.REVIEWS_UNAVAILABLE))).isEqualTo(timedOut.visits());
        softly.assertThat(timedOut.medianElapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        softly.assertThat(timedOut.failures().keySet()).allMatch(reason -> reason.contains("504") && reason.contains("UT"), "504 UT");

        // Circuit breaking: with 3 callers some calls are refused at once with 503 UO, the others answer; nothing else happens.
        CallTally threeCallers = results.get(4).round(1);
        softly.assertThat(threeCallers.calls()).isEqualTo(30);
        softly.assertThat(threeCallers.overflowed()).as("%s", threeCallers).isPositive();
        softly.assertThat(threeCallers.ok()).as("%s", threeCallers).isPositive();
        softly.assertThat(threeCallers.other()).as("%s", threeCallers).isZero();
        softly.assertThat(threeCallers.slowest(CallTally.OVERFLOW)).isLessThanOrEqualTo(ScenarioResult.FAIL_FAST);
        // 2 callers never have more than one call in flight and one waiting: all get through, as fortio's did.
        softly.assertThat(results.get(4).round(0).ok()).as("2 callers: %s", results.get(4).round(0)).isEqualTo(20);

        softly.assertThat(output).contains("5 scenarios, ").contains("s in all: OK");
        softly.assertThat(exit).as(output).isZero();
        softly.assertAll();
    }
}
