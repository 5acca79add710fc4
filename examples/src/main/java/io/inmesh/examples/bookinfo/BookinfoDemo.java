package io.inmesh.examples.bookinfo;

import io.inmesh.core.config.Diagnostic;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Bookinfo in one JVM: starts Istio's Bookinfo services as mesh servers, applies Istio's own
 * Bookinfo routing rules one after the other, as Istio's request-routing and traffic-shifting tasks
 * do, and after each shows which reviews version answered how many product-page visits.
 *
 * <p>Exit status 0 when every scenario's rules took effect, no visit failed and every share was as
 * its rule says (within 4.5 standard deviations of the binomial distribution), 1 otherwise, 2 for a
 * usage error.
 */
@Command(name = "bookinfo-demo",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Runs Istio's Bookinfo sample in one JVM: productpage, details, ratings and reviews v1, v2 and v3, each a mesh "
                + "server with its own mesh, all routed by Istio's own Bookinfo rules, unchanged.",
            "",
            "Applies, in order: all traffic to v1; 90/10 and 80/20 between reviews v1 and v2; jason to v2 and everyone "
                + "else to v3; 50/50 between v1 and v3; then the files given with --rules. After each, visits the "
                + "product page and prints the share of each reviews version.",
            ""},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every scenario's rules took effect, no visit failed, and every share was as its rule says, within chance",
            "1:some rules were refused or not taken up, some visits failed, or a share was off its rule by more than "
                + "4.5 standard deviations",
            "2:usage error"})
public final class BookinfoDemo implements Callable<Integer> {

    /** Exit status: some rules did not take effect, some visits failed, or a share was off its rule. */
    public static final int FAILED = 1;
    /** Exit status: a usage error. */
    public static final int USAGE = 2;

    private static final Duration TAKE_UP_TIMEOUT = Duration.ofSeconds(10);
    private static final int SHOWN_FAILURE_REASONS = 3;

    @Spec
    private CommandSpec spec;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "1000",
            description = "Product page visits per scenario and audience (default: ${DEFAULT-VALUE}).")
    private int requests;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "32",
            description = "Visits in flight at once (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--seed", paramLabel = "S",
            description = "Seed of the meshes' weighted picks, for reproducible splits (default: unseeded).")
    private Long seed;

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

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    private final PrintStream out;
    private final List<ScenarioResult> results = new ArrayList<>();

    /** The demo, printing to standard output. */
    public BookinfoDemo() {
        this(System.out);
    }

    /** The demo, printing to {@code out}. */
    public BookinfoDemo(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new BookinfoDemo()).execute(args));
    }

    /** The command line of {@code demo}: a usage error is a short message, a failure one line, on stderr. */
    public static CommandLine commandLine(BookinfoDemo demo) {
        CommandLine commandLine = new CommandLine(demo);
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

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (requests < 1) {
            throw new ParameterException(spec.commandLine(), "--requests " + requests + " (expected 1 or more)");
        }
        if (concurrency < 1) {
            throw new ParameterException(spec.commandLine(), "--concurrency " + concurrency + " (expected 1 or more)");
        }
        if (only && rules.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--only needs at least one --rules FILE");
        }
        List<Scenario> scenarios = new ArrayList<>(only ? List.of() : Scenario.builtIn());
        for (String given : rules) {
            scenarios.add(Scenario.custom("Your rules", readRules(given)));
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
            for (int i = 0; i < scenarios.size(); i++) {
                ScenarioResult result = run(i + 1, scenarios.get(i), bookinfo, directory, users);
                results.add(result);
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
        long writing = System.nanoTime();
        RulesDirectory.Applied applied = directory.apply(scenario.rules());
        for (Diagnostic diagnostic : applied.diagnostics()) {
            out.println("   " + diagnostic.format());
        }
        if (!applied.accepted()) {
            out.println("   refused: the rules have errors; the mesh keeps the rules it has");
            return new ScenarioResult(scenario, "rules refused", null, List.of());
        }
        try {
            RulesDirectory.inForce(bookinfo.meshes(), applied.resources(), TAKE_UP_TIMEOUT).block();
        } catch (IllegalStateException e) {
            out.println("   not taken up: " + e.getMessage());
            return new ScenarioResult(scenario, e.getMessage(), null, List.of());
        }
        Duration takeUp = Duration.ofNanos(System.nanoTime() - writing);
        out.printf("   applied %s; in force in all %d meshes after %d ms%n",
                describe(applied.keys()), bookinfo.meshes().size(), takeUp.toMillis());

        List<Tally> tallies = new ArrayList<>();
        boolean someoneNamed = scenario.audiences().stream().anyMatch(audience -> audience.endUser() != null);
        for (Scenario.Audience audience : scenario.audiences()) {
            long visiting = System.nanoTime();
            Tally tally = users.tally(requests, audience.endUser(), concurrency).block();
            tallies.add(tally);
            printTally(audience, audience.endUser() == null && someoneNamed, tally, Duration.ofNanos(System.nanoTime() - visiting));
        }
        return new ScenarioResult(scenario, null, takeUp, tallies);
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
        int shown = 0;
        for (Map.Entry<String, Integer> failure : tally.failures().entrySet()) {
            if (shown++ == SHOWN_FAILURE_REASONS) {
                out.printf("     failed: ... and %d other reasons%n", tally.failures().size() - SHOWN_FAILURE_REASONS);
                break;
            }
            out.printf("     failed %dx: %s%n", failure.getValue(), failure.getKey());
        }
    }

    private void printSummary(long started) {
        int visits = results.stream().flatMap(result -> result.tallies().stream()).mapToInt(Tally::visits).sum();
        int failed = results.stream().flatMap(result -> result.tallies().stream()).mapToInt(Tally::failed).sum();
        long notInForce = results.stream().filter(result -> result.problem() != null).count();
        long offRule = results.stream().mapToLong(result -> result.offRule().size()).sum();
        out.printf("%n%d scenario%s, %d visits, %d failed%s%s, %.1f s in all: %s%n", results.size(), results.size() == 1 ? "" : "s",
                visits, failed,
                notInForce == 0 ? "" : ", rules of " + notInForce + " not in force",
                offRule == 0 ? "" : ", " + offRule + " shares off the rule beyond chance",
                (System.nanoTime() - started) / 1e9, results.stream().allMatch(ScenarioResult::ok) ? "OK" : "FAILED");
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
