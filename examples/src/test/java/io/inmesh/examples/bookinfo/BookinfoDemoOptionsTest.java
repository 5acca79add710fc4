package io.inmesh.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo's command line and printing: usage errors are refused before anything starts, with a message that says what is expected. */
class BookinfoDemoOptionsTest {

    private final StringWriter err = new StringWriter();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int run(String... args) {
        CommandLine commandLine = BookinfoDemo.commandLine(new BookinfoDemo(new PrintStream(out, true, StandardCharsets.UTF_8)));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        return commandLine.execute(args);
    }

    @Test
    void anUnknownScenarioIsAUsageError() {
        assertThat(run("--scenarios", "6,circuit-braking")).isEqualTo(BookinfoDemo.USAGE);
        assertThat(err.toString()).startsWith("bookinfo-demo: --scenarios 6,circuit-braking: no scenario circuit-braking (expected all,")
                .contains("Try 'bookinfo-demo --help'");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void onlyAndScenariosContradictEachOther() {
        assertThat(run("--only", "--rules", "virtual-service-all-v1.yaml", "--scenarios", "6")).isEqualTo(BookinfoDemo.USAGE);
        assertThat(err.toString()).startsWith("bookinfo-demo: --only runs no built-in scenario; --scenarios 6 selects some"
                + " (expected one of the two)");
    }

    @Test
    void theControlPlaneModesOptionsNeedAControlPlane() {
        assertThat(run("--base-port", "20080")).isEqualTo(BookinfoDemo.USAGE);
        assertThat(err.toString()).startsWith("bookinfo-demo: --base-port belongs to the control-plane mode (expected it with"
                + " --control-plane URL)");
    }

    @Test
    void theControlPlaneModeRunsNoScenario() {
        assertThat(run("--control-plane", "http://127.0.0.1:15080", "--scenarios", "6")).isEqualTo(BookinfoDemo.USAGE);
        assertThat(err.toString()).startsWith("bookinfo-demo: --scenarios belongs to the scenarios, which --control-plane does not run"
                + " (expected one of the two)");
    }

    @Test
    void theControlPlaneModeRefusesBadValuesBeforeStarting() {
        assertThat(run("--control-plane", "127.0.0.1:15080")).isEqualTo(BookinfoDemo.USAGE);
        assertThat(err.toString()).startsWith("bookinfo-demo: --control-plane 127.0.0.1:15080 (expected http://host:port, such as"
                + " http://127.0.0.1:15080)");
        err.getBuffer().setLength(0);
        assertThat(run("--control-plane", "http://127.0.0.1:15080", "--window", "2")).isEqualTo(BookinfoDemo.USAGE);
        assertThat(err.toString()).startsWith("bookinfo-demo: --window 2 (expected a duration above zero, such as 2s, 500ms or 1m30s)");
        err.getBuffer().setLength(0);
        assertThat(run("--control-plane", "http://127.0.0.1:15080", "--base-port", "65531")).isEqualTo(BookinfoDemo.USAGE);
        assertThat(err.toString()).startsWith("bookinfo-demo: --base-port 65531 (expected 1 to 65530: six ports from it on)");
        err.getBuffer().setLength(0);
        assertThat(run("--control-plane", "http://127.0.0.1:15080", "--token-file", "/no/such/token")).isEqualTo(BookinfoDemo.USAGE);
        assertThat(err.toString()).startsWith("bookinfo-demo: --token-file /no/such/token: cannot read it");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void theHelpShowsTheControlPlaneModeWithItsCommands() {
        String help = BookinfoDemo.commandLine(new BookinfoDemo()).getUsageMessage(CommandLine.Help.Ansi.OFF);

        assertThat(help).contains("--control-plane=URL", "--base-port=N", "--rate=N", "--window=D", "--duration=D", "--token-file=F",
                "cp -r examples/bookinfo/control-plane /tmp/bookinfo-rules", "bin/mesh control-plane --rules /tmp/bookinfo-rules &",
                "bin/bookinfo-demo --control-plane http://127.0.0.1:15080");
    }

    @Test
    void theHelpListsTheScenarios() {
        CommandLine commandLine = BookinfoDemo.commandLine(new BookinfoDemo());
        String help = commandLine.getUsageMessage(CommandLine.Help.Ansi.OFF);

        assertThat(help).contains("--scenarios=LIST", "Scenarios:", " 2  reviews-90-10     Shift 10% of reviews traffic to v2",
                " 6  fault-delay       Fault injection: ratings delayed 7 s for jason",
                "10  circuit-breaking  Circuit breaking: a connection pool of one on details");
    }

    @Test
    void visitTimesAreSecondsFromASecondOnAndMillisecondsBelow() {
        assertThat(BookinfoDemo.time(java.time.Duration.ofMillis(6_048))).isEqualTo("6.05 s");
        assertThat(BookinfoDemo.time(java.time.Duration.ofMillis(1_000))).isEqualTo("1.00 s");
        assertThat(BookinfoDemo.time(java.time.Duration.ofMillis(999))).isEqualTo("999 ms");
    }

    @Test
    void callersShareTheCallsAsEvenlyAsTheyDivide() {
        assertThat(Load.share(30, 3, 0) + Load.share(30, 3, 1) + Load.share(30, 3, 2)).isEqualTo(30);
        assertThat(new int[] {Load.share(20, 3, 0), Load.share(20, 3, 1), Load.share(20, 3, 2)}).containsExactly(7, 7, 6);
    }
}
