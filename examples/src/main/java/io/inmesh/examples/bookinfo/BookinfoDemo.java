package io.inmesh.examples.bookinfo;

import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.Durations;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * Bookinfo in one JVM: starts Istio's Bookinfo services as mesh servers, applies Istio's own
 * Bookinfo rules one after the other, as Istio's traffic-management tasks do (request routing,
 * traffic shifting, fault injection, request timeouts, circuit breaking), and after each shows what
 * the task says you should see and what the mesh did: which reviews version answered how many
 * product-page visits, what the page showed and how long it took, or how many calls the circuit
 * breaker refused.
 *
 * <p>With {@code --control-plane URL} the demo runs another way: every mesh takes its rules from
 * that control plane, over a connection of its own; the product page is visited at a steady rate,
 * and every couple of seconds the demo prints the share of visits each reviews version answered and
 * the rules version each mesh runs, until interrupted or {@code --duration} has passed. Edit the
 * reviews VirtualService in the control plane's rules directory, and the printed split follows.
 *
 * <p>Exit status 0 when every scenario's rules took effect and every scenario showed what Istio's
 * task says (shares within 4.5 standard deviations of the binomial distribution), or, with a control
 * plane, when it ran for {@code --duration} and no visit failed; 1 otherwise; 2 for a usage error.
 */
@Command(name = "bookinfo-demo",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Runs Istio's Bookinfo sample in one JVM: productpage, details, ratings and reviews v1, v2 and v3, each a mesh "
                + "server with its own mesh, all routed by Istio's own Bookinfo rules, unchanged.",
            "",
            "Applies, in order: all traffic to v1; 90/10 and 80/20 between reviews v1 and v2; jason to v2 and everyone "
                + "else to v3; 50/50 between v1 and v3 (Istio's request-routing and traffic-shifting tasks); a 7 s delay "
                + "and an HTTP 500 abort on ratings for jason (fault injection); a 2 s delay on ratings, then a 0.5 s "
                + "timeout on reviews (request timeouts); a connection pool of one on details (circuit breaking); then "
                + "the files given with --rules. After each, prints what Istio's task says you should see, visits the "
                + "product page (or calls details at once) and prints what the mesh did.",
            "",
            "With --control-plane URL, every mesh takes its rules from that control plane instead (one connection per "
                + "workload, with its identity); the services listen on fixed ports from --base-port, which the control "
                + "plane's rules must name, as examples/bookinfo/control-plane/services.yaml does. The product page is "
                + "visited --rate times a second and, every --window, the demo prints which share of the visits each "
                + "reviews version answered and the rules version each mesh runs, until Ctrl-C or --duration. Edit the "
                + "reviews VirtualService in the control plane's rules directory and watch the split follow:",
            "  cp -r examples/bookinfo/control-plane /tmp/bookinfo-rules",
            "  bin/mesh control-plane --rules /tmp/bookinfo-rules &",
            "  bin/bookinfo-demo --control-plane http://127.0.0.1:15080",
            ""},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every scenario's rules took effect and every scenario showed what Istio's task says, shares within chance; "
                + "with --control-plane: it ran for --duration and no visit failed (Ctrl-C ends it with 130, as any program)",
            "1:some rules were refused or not taken up, or a scenario did not show what Istio's task says: visits failed or "
                + "showed another page, took longer, a share was off its rule by more than 4.5 standard deviations, or the "
                + "circuit breaker did not refuse calls fast; with --control-plane: a visit failed, or the services could "
                + "not start (a port taken, no rules from the control plane, or rules that place the services elsewhere)",
            "2:usage error"})
public final class BookinfoDemo implements Callable<Integer> {

    /** Exit status: some rules did not take effect, some visits failed, or a share was off its rule. */
    public static final int FAILED = 1;
    /** Exit status: a usage error. */
    public static final int USAGE = 2;

    private static final Duration TAKE_UP_TIMEOUT = Duration.ofSeconds(10);
    private static final int SHOWN_FAILURE_REASONS = 3;
    /** How long the control-plane mode waits for the first rules of every mesh. */
    private static final Duration FIRST_RULES_TIMEOUT = Duration.ofSeconds(20);
    /** Held, so that the level set in {@link #main} stays: the logging framework keeps loggers weakly. */
    private static final java.util.logging.Logger SOURCE_LOG =
            java.util.logging.Logger.getLogger(io.inmesh.core.source.ControlPlaneConfigSource.class.getName());
    /** Visits before the steady traffic starts, not counted: the JVM's first compilations would slow the first window. */
    private static final int WARM_UP_VISITS = 100;
    private static final int KEPT_WINDOWS = 1000;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    /** The options of the scenarios, which the control-plane mode does not run. */
    private static final List<String> SCENARIO_OPTIONS = List.of("--requests", "--concurrency", "--scenarios", "--rules", "--only",
            "--keep-running");
    /** The options of the control-plane mode, which mean nothing without a control plane. */
    private static final List<String> CONTROL_PLANE_OPTIONS = List.of("--token-file", "--base-port", "--rate", "--window",
            "--duration");

    @Spec
    private CommandSpec spec;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "1000",
            description = "Product page visits per scenario and audience (default: ${DEFAULT-VALUE}); the slow "
                    + "scenarios (delays, timeouts) make fewer.")
    private int requests;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "32",
            description = "Visits in flight at once (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--seed", paramLabel = "S",
            description = "Seed of the meshes' weighted picks, for reproducible splits (default: unseeded).")
    private Long seed;

    @Option(names = "--scenarios", paramLabel = "LIST",
            description = {"The built-in scenarios to run, in the order given: numbers, ranges and ids, comma-separated, "
                    + "such as 6-10 or fault-delay,circuit-breaking (default: all). The scenarios are listed below."})
    private String scenarioList;

    @Option(names = "--rules", paramLabel = "FILE",
            description = {"Istio rules of your own to apply after the built-in scenarios, as one more scenario: a YAML "
                    + "file, a directory of them, or the name of a bundled Istio file such as "
                    + "virtual-service-reviews-test-v2.yaml. Repeatable.",
                "Each resource replaces the one of the same kind, namespace and name, as kubectl apply does."})
    private List<String> rules = new ArrayList<>();

    @Option(names = "--only", description = "Apply only the --rules files, not the built-in scenarios.")
    private boolean only;

    @Option(names = "--keep-running",
            description = "Leave the services running after the scenarios, print their ports, and wait for Ctrl-C.")
    private boolean keepRunning;

    @Option(names = "--control-plane", paramLabel = "URL",
            description = {"Take every mesh's rules from the control plane at URL (bin/mesh control-plane, "
                    + "http://127.0.0.1:15080 by default there) instead of running the scenarios; repeatable for "
                    + "fail-over. The options below belong to this mode."})
    private List<String> controlPlanes = new ArrayList<>();

    @Option(names = "--token-file", paramLabel = "F",
            description = "A file holding the control plane's bearer token, when it requires one.")
    private Path tokenFile;

    @Option(names = "--base-port", paramLabel = "N", defaultValue = "" + Bookinfo.DEFAULT_BASE_PORT,
            description = {"The services listen on 127.0.0.1 from port N on: productpage N, details N+1, ratings N+2, reviews "
                    + "v1, v2, v3 N+3 to N+5 (default: ${DEFAULT-VALUE}, the ports of "
                    + "examples/bookinfo/control-plane/services.yaml; change both together)."})
    private int basePort;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "50",
            description = "Product page visits a second (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--window", paramLabel = "D", defaultValue = "2s",
            description = "How often the split is printed, each time of the visits since the last (default: ${DEFAULT-VALUE}).")
    private String window;

    @Option(names = "--duration", paramLabel = "D",
            description = "Stop after D, such as 30s or 5m (default: run until Ctrl-C).")
    private String duration;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    private final PrintStream out;
    private final List<ScenarioResult> results = new ArrayList<>();
    /** The last {@value #KEPT_WINDOWS} windows, for {@link #windows()}: a run may go on for days. */
    private final List<SplitWindow> windows = new CopyOnWriteArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);

    /** The demo, printing to standard output. */
    public BookinfoDemo() {
        this(System.out);
    }

    /** The demo, printing to {@code out}. */
    public BookinfoDemo(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        // Six meshes each log every version they receive; the printed split says the same in one line.
        SOURCE_LOG.setLevel(java.util.logging.Level.WARNING);
        System.exit(commandLine(new BookinfoDemo()).execute(args));
    }

    /** The command line of {@code demo}: a usage error is a short message, a failure one line, on stderr. */
    public static CommandLine commandLine(BookinfoDemo demo) {
        CommandLine commandLine = new CommandLine(demo);
        List<String> footer = new ArrayList<>(List.of("", "Scenarios:"));
        // The footer is a format string: a title's "10%" must stay a percent sign.
        ScenarioSelection.listing(Scenario.builtIn()).forEach(line -> footer.add(line.replace("%", "%%")));
        footer.add("");
        commandLine.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
        commandLine.setParameterExceptionHandler((exception, args) -> {
            CommandLine command = exception.getCommandLine();
            command.getErr().println("bookinfo-demo: " + exception.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(exception, command.getErr());
            command.getErr().println("Try 'bookinfo-demo --help' for more information.");
            return USAGE;
        });
        commandLine.setExecutionExceptionHandler((exception, command, parseResult) -> {
            String message = exception.getMessage();
            command.getErr().println("bookinfo-demo: " + (message == null || message.isBlank() ? exception.toString()
                    : exception.getClass().getSimpleName() + ": " + message));
            return FAILED;
        });
        return commandLine;
    }

    /** The results of the last run, one per scenario. */
    public List<ScenarioResult> results() {
        return List.copyOf(results);
    }

    /** With {@code --control-plane}: the windows printed so far, oldest first (the last {@value #KEPT_WINDOWS}). */
    public List<SplitWindow> windows() {
        return List.copyOf(windows);
    }

    /** With {@code --control-plane}: ends the run as Ctrl-C does; the command returns once the services are closed. */
    public void stop() {
        stop.countDown();
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!controlPlanes.isEmpty()) {
            return runWithControlPlane();
        }
        for (String option : CONTROL_PLANE_OPTIONS) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new ParameterException(spec.commandLine(), option + " belongs to the control-plane mode (expected it with"
                        + " --control-plane URL)");
            }
        }
        if (requests < 1) {
            throw new ParameterException(spec.commandLine(), "--requests " + requests + " (expected 1 or more)");
        }
        if (concurrency < 1) {
            throw new ParameterException(spec.commandLine(), "--concurrency " + concurrency + " (expected 1 or more)");
        }
        if (only && rules.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--only needs at least one --rules FILE");
        }
        if (only && scenarioList != null) {
            throw new ParameterException(spec.commandLine(), "--only runs no built-in scenario; --scenarios " + scenarioList
                    + " selects some (expected one of the two)");
        }
        List<Scenario> builtIn = Scenario.builtIn();
        List<Integer> numbers;
        try {
            numbers = only ? List.of() : ScenarioSelection.parse(scenarioList == null ? "all" : scenarioList, builtIn);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        // Each built-in scenario is shown with its number in the built-in list, so the output matches the README and
        // --help; the user's rules come after the last built-in one, or from 1 with --only.
        Map<Integer, Scenario> scenarios = new LinkedHashMap<>();
        numbers.forEach(number -> scenarios.put(number, builtIn.get(number - 1)));
        int next = only ? 1 : builtIn.size() + 1;
        for (String given : rules) {
            scenarios.put(next++, Scenario.custom("Your rules", readRules(given)));
        }
        results.clear();

        long started = System.nanoTime();
        RulesDirectory directory = RulesDirectory.createTemporary();
        Bookinfo bookinfo;
        try {
            bookinfo = Bookinfo.start(directory, seed);
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
        try (Users users = new Users(bookinfo.productPagePort())) {
            printStart(bookinfo, directory, users, started);
            for (Map.Entry<Integer, Scenario> scenario : scenarios.entrySet()) {
                results.add(run(scenario.getKey(), scenario.getValue(), bookinfo, directory, users));
            }
            printSummary(started);
            if (keepRunning) {
                keepRunning(bookinfo, directory);
            }
        } finally {
            bookinfo.close();
            directory.close();
        }
        return results.stream().allMatch(ScenarioResult::ok) ? 0 : FAILED;
    }

    /**
     * The control-plane mode: starts Bookinfo on the control plane's rules, visits the product page at
     * a steady rate and prints the reviews split window by window until stopped.
     */
    private int runWithControlPlane() throws InterruptedException {
        for (String option : SCENARIO_OPTIONS) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new ParameterException(spec.commandLine(), option + " belongs to the scenarios, which --control-plane does"
                        + " not run (expected one of the two)");
            }
        }
        if (rate < 1 || rate > 10_000) {
            throw new ParameterException(spec.commandLine(), "--rate " + rate + " (expected 1 to 10000 visits a second)");
        }
        Duration every = positiveDuration("--window", window);
        Duration runFor = duration == null ? null : positiveDuration("--duration", duration);
        try {
            Bookinfo.requireBasePort(basePort);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--base-port " + basePort + " (expected 1 to 65530: six ports from it on)");
        }
        List<URI> urls = new ArrayList<>();
        for (String given : controlPlanes) {
            URI url;
            try {
                url = new URI(given);
            } catch (URISyntaxException e) {
                url = null;
            }
            if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null
                    || url.getRawQuery() != null || url.getRawFragment() != null) {
                throw new ParameterException(spec.commandLine(), "--control-plane " + given
                        + " (expected http://host:port, such as http://127.0.0.1:15080)");
            }
            urls.add(url);
        }
        String token = tokenFile == null ? null : readToken(tokenFile);
        windows.clear();

        long started = System.nanoTime();
        Bookinfo bookinfo;
        try {
            bookinfo = Bookinfo.fromControlPlane(urls, token, basePort, seed, FIRST_RULES_TIMEOUT);
        } catch (IllegalStateException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("bookinfo-demo: " + e.getMessage());
            return FAILED;
        }
        CountDownLatch finished = new CountDownLatch(1);
        Thread interrupted = new Thread(() -> {
            stop.countDown();
            try {
                finished.await(10, TimeUnit.SECONDS); // lets the run close the services and print its last line
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bookinfo-demo-stop");
        Runtime.getRuntime().addShutdownHook(interrupted);
        try (Users users = new Users(bookinfo.productPagePort())) {
            users.visits(WARM_UP_VISITS, null, 4).then().block(Users.VISIT_TIMEOUT.multipliedBy(2));
            printControlPlaneStart(bookinfo, users, started, every, runFor);
            // Guarded by printing: the last line counts exactly the windows printed before it.
            long[] counted = new long[2];
            AtomicBoolean stopped = new AtomicBoolean();
            Object printing = new Object();
            Disposable traffic = SteadyVisits.windows(users, rate, every, () -> rulesOf(bookinfo))
                    .publishOn(Schedulers.boundedElastic()) // printing blocks: never on the timer's thread
                    .subscribe(split -> {
                        synchronized (printing) {
                            if (stopped.get()) {
                                return;
                            }
                            counted[0] += split.tally().visits();
                            counted[1] += split.tally().failed();
                            windows.add(split);
                            if (windows.size() > KEPT_WINDOWS) {
                                windows.remove(0);
                            }
                            printWindow(split);
                        }
                    });
            long visiting = System.nanoTime();
            try {
                if (runFor == null) {
                    stop.await();
                } else {
                    stop.await(runFor.toNanos(), TimeUnit.NANOSECONDS);
                }
            } finally {
                traffic.dispose();
            }
            synchronized (printing) {
                stopped.set(true);
                out.printf(Locale.ROOT, "stopped after %.1f s: %d visits, %d failed%n", (System.nanoTime() - visiting) / 1e9, counted[0],
                        counted[1]);
                out.flush();
                return counted[1] == 0 ? 0 : FAILED;
            }
        } finally {
            bookinfo.close();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(interrupted);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs now, and waits for finished
            }
        }
    }

    private Duration positiveDuration(String option, String text) {
        Duration parsed = Durations.parse(text).orElse(null);
        if (parsed == null || parsed.isNegative() || parsed.isZero()) {
            throw new ParameterException(spec.commandLine(), option + " " + text + " (expected a duration above zero, such as 2s,"
                    + " 500ms or 1m30s)");
        }
        return parsed;
    }

    /** The token: the file's content without surrounding white space (such as the final line break). */
    private String readToken(Path file) {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--token-file " + file + ": cannot read it (" + e + ")");
        }
        if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new ParameterException(spec.commandLine(), "--token-file " + file + ": " + (token.isEmpty() ? "empty" : "holds"
                    + " spaces or control characters") + " (expected the bearer token: one line of printable characters)");
        }
        return token;
    }

    /** Each mesh's rules version, by workload name. */
    private static Map<String, String> rulesOf(Bookinfo bookinfo) {
        Map<String, String> rules = new LinkedHashMap<>();
        bookinfo.meshes().forEach(mesh -> rules.put(mesh.workload().name(), mesh.rulesStatus().version()));
        return rules;
    }

    private void printControlPlaneStart(Bookinfo bookinfo, Users users, long started, Duration every, Duration runFor) {
        out.printf("Bookinfo in one JVM: %d workloads on 127.0.0.1, each with its own mesh and its own connection to the control"
                + " plane %s, started in %d ms%n", bookinfo.instances().size(), String.join(", ", controlPlanes), Duration.ofNanos(System.nanoTime() - started).toMillis());
        StringBuilder line = new StringBuilder("  ");
        for (Bookinfo.Instance instance : bookinfo.instances()) {
            line.append(String.format("%s %s :%d   ", instance.app(), instance.version(), instance.server().port()));
        }
        out.println(line.toString().stripTrailing());
        out.printf("%d visits a second of %s; the reviews split every %s, %s%s%n", rate, users.url(), Durations.format(every),
                runFor == null ? "until Ctrl-C" : "for " + Durations.format(runFor), seed == null ? "" : ", seed " + seed);
        out.println("Edit the reviews VirtualService in the control plane's rules directory, and the split follows.");
        out.println();
        out.println("time      visits  failed  reviews v1     v2     v3   rules (version each mesh runs)");
        out.flush();
    }

    private void printWindow(SplitWindow split) {
        Tally tally = split.tally();
        out.printf(Locale.ROOT, "%s  %6d  %6d      %5.1f%%  %5.1f%%  %5.1f%%   %s%n",
                CLOCK.format(LocalTime.ofInstant(split.endedAt(), ZoneId.systemDefault())), tally.visits(), tally.failed(),
                100 * tally.share("v1"), 100 * tally.share("v2"), 100 * tally.share("v3"), split.describeRules());
        printFailures(tally, "failed");
        out.flush();
    }

    /** A file, a directory of YAML files, or a bundled Istio file by name. */
    private List<RulesDirectory.RuleText> readRules(String given) throws IOException {
        Path path = Path.of(given);
        if (Files.isRegularFile(path)) {
            return List.of(RulesDirectory.RuleText.of(path));
        }
        if (Files.isDirectory(path)) {
            List<RulesDirectory.RuleText> texts = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(path)) {
                for (Path file : walk.filter(Files::isRegularFile)
                        .filter(file -> file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))
                        .sorted().toList()) {
                    texts.add(RulesDirectory.RuleText.of(file));
                }
            }
            if (texts.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--rules " + given + ": no *.yaml or *.yml file in this directory");
            }
            return texts;
        }
        if (Bookinfo.isBundled(given)) {
            return List.of(Bookinfo.istioRules(given));
        }
        throw new ParameterException(spec.commandLine(), "--rules " + given + ": no such file or directory, and not a bundled"
                + " Istio file (those are: " + String.join(", ", Bookinfo.bundledRuleFiles()) + ")");
    }

    private ScenarioResult run(int number, Scenario scenario, Bookinfo bookinfo, RulesDirectory directory, Users users)
            throws IOException {
        List<String> names = scenario.rules().stream().map(RulesDirectory.RuleText::name).toList();
        out.printf("%n%d. %s (%s)%n", number, scenario.title(), String.join(", ", names));
        if (scenario.istioSays() != null) {
            printWrapped("   ", scenario.istioSays());
        }
        long writing = System.nanoTime();
        List<String> keys = new ArrayList<>();
        String problem = apply(scenario.rules(), bookinfo, directory, keys);
        if (problem != null) {
            return new ScenarioResult(scenario, problem, null, List.of());
        }
        Duration takeUp = Duration.ofNanos(System.nanoTime() - writing);
        out.printf("   applied %s; in force in all %d meshes after %d ms%n",
                describe(keys), bookinfo.meshes().size(), takeUp.toMillis());

        List<Tally> tallies = new ArrayList<>();
        boolean someoneNamed = scenario.audiences().stream().anyMatch(audience -> audience.endUser() != null);
        for (Scenario.Audience audience : scenario.audiences()) {
            int visits = audience.visitsOf(requests);
            long visiting = System.nanoTime();
            Tally tally = users.tally(visits, audience.endUser(), Math.min(concurrency, visits)).block();
            tallies.add(tally);
            printTally(audience, audience.endUser() == null && someoneNamed, tally, Duration.ofNanos(System.nanoTime() - visiting));
        }
        List<CallTally> rounds = new ArrayList<>();
        if (scenario.load() != null) {
            Scenario.Load load = scenario.load();
            for (Scenario.Round round : load.rounds()) {
                long calling = System.nanoTime();
                CallTally calls = Load.run(bookinfo.mesh(load.fromApp()).client(), load.url(), round).block();
                rounds.add(calls);
                printRound(load, round, calls, Duration.ofNanos(System.nanoTime() - calling));
            }
        }
        ScenarioResult result = new ScenarioResult(scenario, null, takeUp, tallies, rounds);
        if (scenario.istioSays() != null) {
            List<String> problems = result.problems();
            out.println(problems.isEmpty() ? "   => as Istio's task says" : "   => NOT as Istio's task says:");
            problems.forEach(line -> out.println("      " + line));
        }
        if (!scenario.cleanup().isEmpty()) {
            List<String> restored = new ArrayList<>();
            String cleanupProblem = apply(scenario.cleanup(), bookinfo, directory, restored);
            if (cleanupProblem != null) {
                return new ScenarioResult(scenario, "clean-up: " + cleanupProblem, takeUp, tallies, rounds);
            }
            out.printf("   clean-up: applied %s again%n",
                    String.join(", ", scenario.cleanup().stream().map(RulesDirectory.RuleText::name).toList()));
        }
        return result;
    }

    /**
     * Applies {@code texts} one after the other, as {@code kubectl apply -f} of each would, adds the
     * keys of the resources written to {@code keys}, and waits until every mesh runs on the rules
     * directory as it then is. Returns why the rules did not take effect, or {@code null}.
     */
    private String apply(List<RulesDirectory.RuleText> texts, Bookinfo bookinfo, RulesDirectory directory, List<String> keys)
            throws IOException {
        for (RulesDirectory.RuleText text : texts) {
            RulesDirectory.Applied applied = directory.apply(text);
            for (Diagnostic diagnostic : applied.diagnostics()) {
                out.println("   " + diagnostic.format());
            }
            if (!applied.accepted()) {
                out.println("   refused: the rules have errors; the mesh keeps the rules it has");
                return "rules refused";
            }
            applied.keys().stream().filter(key -> !keys.contains(key)).forEach(keys::add);
        }
        try {
            RulesDirectory.inForce(bookinfo.meshes(), directory.resources(), TAKE_UP_TIMEOUT).block();
        } catch (IllegalStateException e) {
            out.println("   not taken up: " + e.getMessage());
            return e.getMessage();
        }
        return null;
    }

    /** {@code VirtualService productpage, reviews; DestinationRule reviews}: names by kind, namespace only when not default. */
    private static String describe(List<String> keys) {
        Map<String, List<String>> byKind = new LinkedHashMap<>();
        for (String key : keys) {
            String[] parts = key.split("/", 3);
            String name = parts[1].equals(Bookinfo.NAMESPACE) ? parts[2] : parts[1] + "/" + parts[2];
            byKind.computeIfAbsent(parts[0], kind -> new ArrayList<>()).add(name);
        }
        List<String> groups = new ArrayList<>();
        byKind.forEach((kind, names) -> groups.add(kind + " " + String.join(", ", names)));
        return String.join("; ", groups);
    }

    private void printStart(Bookinfo bookinfo, RulesDirectory directory, Users users, long started) {
        out.printf("Bookinfo in one JVM: %d workloads on 127.0.0.1, each with its own mesh, started in %d ms%n",
                bookinfo.instances().size(), Duration.ofNanos(System.nanoTime() - started).toMillis());
        StringBuilder line = new StringBuilder("  ");
        for (Bookinfo.Instance instance : bookinfo.instances()) {
            line.append(String.format("%s %s :%d   ", instance.app(), instance.version(), instance.server().port()));
        }
        out.println(line.toString().stripTrailing());
        out.println("rules: " + directory.path() + ", watched by every mesh: Istio's destination-rule-all.yaml, a ServiceEntry"
                + " per service and a WorkloadEntry per instance");
        out.printf("%d visits of %s per audience, %d at a time%s%n", requests, users.url(), concurrency,
                seed == null ? "" : ", seed " + seed);
    }

    private void printTally(Scenario.Audience audience, boolean others, Tally tally, Duration took) {
        if (audience.page() != null) {
            printPages(audience, others, tally, took);
            return;
        }
        out.printf("   %s: %d visits, %d failed, %d ms%n", audience.label(others), tally.visits(), tally.failed(), took.toMillis());
        TreeSet<String> versions = new TreeSet<>(audience.expected().keySet());
        versions.addAll(tally.versions().keySet());
        for (String version : versions) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "     reviews %s %6.1f%%", version, 100 * tally.share(version)));
            Double expected = audience.expected().get(version);
            if (!audience.expected().isEmpty()) {
                line.append(String.format(Locale.ROOT, "   rule %3.0f%%", expected == null ? 0 : 100 * expected));
            }
            String stars = tally.stars(version);
            if (tally.count(version) > 0) {
                line.append("   ").append(stars == null ? "no stars" : stars + " stars");
            }
            if (!audience.withinChance(version, tally.count(version), tally.visits())) {
                line.append("   << off the rule beyond chance");
            }
            out.println(line);
        }
        printFailures(tally, "failed");
    }

    /** An audience that should see one page: what each visit showed, how long visits took, and why a part was missing. */
    private void printPages(Scenario.Audience audience, boolean others, Tally tally, Duration took) {
        Scenario.PageExpectation page = audience.page();
        out.printf(Locale.ROOT, "   %s: %d visits, %d ms; median visit %s, slowest %s%s%n", audience.label(others), tally.visits(),
                took.toMillis(), time(tally.medianElapsed()), time(tally.slowest()),
                page.about() == null ? "" : String.format(Locale.ROOT, " (expected about %.1f s%s)", page.about().toNanos() / 1e9,
                        page.aboutRight(tally.medianElapsed()) ? "" : ", << not so"));
        for (Map.Entry<String, Integer> shown : tally.shown().entrySet()) {
            out.printf("     %d x %s%s%n", shown.getValue(), shown.getKey(),
                    shown.getKey().equals(page.shows()) ? "" : "   << expected " + page.shows());
        }
        printFailures(tally, "why");
    }

    /** {@code 6.05 s} from a second on, {@code 12 ms} below. */
    static String time(Duration duration) {
        return duration.compareTo(Duration.ofSeconds(1)) >= 0 ? String.format(Locale.ROOT, "%.2f s", duration.toNanos() / 1e9)
                : duration.toMillis() + " ms";
    }

    private void printFailures(Tally tally, String label) {
        int shown = 0;
        for (Map.Entry<String, Integer> failure : tally.failures().entrySet()) {
            if (shown++ == SHOWN_FAILURE_REASONS) {
                out.printf("     %s: ... and %d other reasons%n", label, tally.failures().size() - SHOWN_FAILURE_REASONS);
                break;
            }
            out.printf("     %s %dx: %s%n", label, failure.getValue(), failure.getKey());
        }
    }

    private void printRound(Scenario.Load load, Scenario.Round round, CallTally calls, Duration took) {
        out.printf(Locale.ROOT, "   %s -> %s, %d callers at once, %d calls, %d ms: %s%n", load.fromApp(), load.url(), round.callers(),
                calls.calls(), took.toMillis(), ScenarioResult.describe(calls.outcomes(), calls.calls()));
        if (calls.overflowed() > 0) {
            out.printf(Locale.ROOT, "     the %d calls refused with %s took at most %.1f ms: they failed fast, without queueing%n",
                    calls.overflowed(), CallTally.OVERFLOW, calls.slowest(CallTally.OVERFLOW).toNanos() / 1e6);
        }
    }

    /** {@code text} after {@code indent}, wrapped at about 110 columns. */
    private void printWrapped(String indent, String text) {
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > 110) {
                out.println(line);
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        out.println(line);
    }

    private void printSummary(long started) {
        int visits = results.stream().flatMap(result -> result.tallies().stream()).mapToInt(Tally::visits).sum();
        int calls = results.stream().flatMap(result -> result.rounds().stream()).mapToInt(CallTally::calls).sum();
        List<String> notAsSaid = results.stream().filter(result -> !result.ok()).map(result -> result.scenario().id()).toList();
        out.printf(Locale.ROOT, "%n%d scenario%s, %d visits%s, %.1f s in all: %s%n", results.size(), results.size() == 1 ? "" : "s",
                visits, calls == 0 ? "" : ", " + calls + " calls", (System.nanoTime() - started) / 1e9,
                notAsSaid.isEmpty() ? "OK" : "FAILED (" + String.join(", ", notAsSaid) + ")");
    }

    private void keepRunning(Bookinfo bookinfo, RulesDirectory directory) throws InterruptedException {
        Bookinfo.Instance productPage = bookinfo.instances().get(0);
        out.printf("%nBookinfo keeps running; Ctrl-C stops it.%n");
        for (Bookinfo.Instance instance : bookinfo.instances()) {
            out.printf("  %-12s %s  http://127.0.0.1:%d%n", instance.app(), instance.version(), instance.server().port());
        }
        out.printf("Try:   curl -s -H 'end-user: jason' http://127.0.0.1:%d/productpage%n", productPage.server().port());
        out.printf("Rules: %s; change a file there and every mesh takes it up within a second.%n", directory.path());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            bookinfo.close();
            directory.close();
            stopped.countDown();
        }, "bookinfo-demo-shutdown"));
        stopped.await();
    }
}
