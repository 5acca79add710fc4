package io.inmesh.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inmesh.controlplane.ControlPlane;
import io.inmesh.core.testing.BlockHoundExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The demo's control-plane mode as the README shows it: an embedded control plane serves a copy of
 * {@code examples/bookinfo/control-plane/}, the demo runs with {@code --control-plane URL}, and the
 * reviews VirtualService is edited in place, to 100 % v1, then to 100 % v3. The demo's own windows
 * must follow each edit: within a bounded time a window opens that only the new version answers,
 * and every window after it too; no visit fails. BlockHound watches that nothing blocks an event loop.
 */
@ExtendWith(BlockHoundExtension.class)
class ControlPlaneModeIT {

    /** The shipped folder, from the module's directory (where the build runs tests). */
    private static final Path SHIPPED = Path.of("bookinfo", "control-plane");
    /** How long after the edit a window answered only by the new version must have opened. */
    private static final Duration SETTLE = Duration.ofSeconds(10);
    /** Windows that must follow the first one that shows the new version alone, all showing it alone too. */
    private static final int WINDOWS_AFTER = 4;
    private static final Pattern WEIGHT = Pattern.compile("(?m)^(\\s+weight:) \\d+$");

    @TempDir
    Path rules;

    @Test
    @Timeout(180)
    void thePrintedSplitFollowsEachEditOfTheReviewsRuleWithoutAFailedVisit() throws Exception {
        copyShippedFolder();
        int basePort = freeBasePort();
        moveServices(basePort);
        Path reviewsRule = rules.resolve("virtual-service-reviews.yaml");

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        BookinfoDemo demo = new BookinfoDemo(new PrintStream(printed, true, StandardCharsets.UTF_8));
        AtomicInteger exit = new AtomicInteger(-1);
        try (ControlPlane controlPlane = ControlPlane.builder(rules).port(0).build().start()) {
            Thread run = new Thread(() -> exit.set(BookinfoDemo.commandLine(demo).execute("--control-plane", controlPlane.uri().toString(),
                    "--base-port", String.valueOf(basePort), "--rate", "40", "--window", "500ms", "--duration", "150s")), "demo");
            run.start();
            try {
                // The shipped rule: 60/30/10; each version answers some of the first few hundred visits.
                await().atMost(Duration.ofSeconds(60)).until(() -> visits(demo.windows()) >= 200);
                Tally first = total(demo.windows());
                assertThat(first.failed()).as("failed visits: %s", first.failures()).isZero();
                assertThat(first.versions()).as("the shipped 60/30/10 rule").containsOnlyKeys("v1", "v2", "v3");

                Duration toV1 = edit(demo, reviewsRule, List.of(100, 0, 0), "v1");
                Duration toV3 = edit(demo, reviewsRule, List.of(0, 0, 100), "v3");
                System.out.printf("control-plane mode: only v1 from %d ms after the edit, only v3 from %d ms after the next;"
                        + " %d visits in %d windows%n", toV1.toMillis(), toV3.toMillis(), visits(demo.windows()), demo.windows().size());
            } finally {
                demo.stop();
                run.join(Duration.ofSeconds(30).toMillis());
            }
            String output = printed.toString(StandardCharsets.UTF_8);
            assertThat(run.isAlive()).as("the demo did not stop: %s", output).isFalse();
            Tally all = total(demo.windows());
            assertThat(all.failed()).as("failed visits: %s\n%s", all.failures(), output).isZero();
            assertThat(exit.get()).as(output).isZero();
            assertThat(output).contains("reviews v1     v2     v3", "in all 6 meshes", " 0 failed");
        }
    }

    @Test
    @Timeout(60)
    void rulesThatPlaceTheServicesElsewhereStopTheDemoSayingWhatTheyMustHold() throws Exception {
        copyShippedFolder(); // services.yaml names the ports from 19080 on
        int basePort = freeBasePort();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try (ControlPlane controlPlane = ControlPlane.builder(rules).port(0).build().start()) {
            CommandLine commandLine = BookinfoDemo.commandLine(new BookinfoDemo(new PrintStream(printed, true, StandardCharsets.UTF_8)));
            commandLine.setErr(new PrintWriter(err, true));

            int exit = commandLine.execute("--control-plane", controlPlane.uri().toString(), "--base-port", String.valueOf(basePort));

            assertThat(exit).as("%s", err).isEqualTo(BookinfoDemo.FAILED);
            assertThat(err.toString()).startsWith("bookinfo-demo: the control plane's rules do not describe the services where they listen:")
                    .contains("reviews v1 listens on 127.0.0.1:" + (basePort + 3) + ", but the rules productpage-v1 runs on place it at"
                            + " 127.0.0.1:19083")
                    .contains("expected the ServiceEntries and WorkloadEntries of examples/bookinfo/control-plane/services.yaml, with the"
                            + " ports from " + basePort + " on,");
            assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
        }
    }

    /**
     * Rewrites the weights of the reviews rule in place, as a user edits it, and returns how long
     * after the write the first window answered by {@code version} alone opened; every window after
     * it is answered by {@code version} alone.
     */
    private Duration edit(BookinfoDemo demo, Path reviewsRule, List<Integer> weights, String version) throws IOException {
        String before = Files.readString(reviewsRule);
        Matcher matcher = WEIGHT.matcher(before);
        StringBuilder after = new StringBuilder();
        int i = 0;
        while (matcher.find()) {
            matcher.appendReplacement(after, matcher.group(1) + " " + weights.get(i++));
        }
        matcher.appendTail(after);
        assertThat(i).as("weights in %s", reviewsRule).isEqualTo(3);
        String rulesBefore = demo.windows().get(demo.windows().size() - 1).rules().get("productpage-v1");
        long written = System.nanoTime();
        Files.writeString(reviewsRule, after);

        SplitWindow[] followed = new SplitWindow[1];
        await().atMost(SETTLE.plusSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
            followed[0] = demo.windows().stream()
                    .filter(w -> w.startNanos() >= written && !w.rules().get("productpage-v1").equals(rulesBefore))
                    .filter(w -> w.tally().visits() > 0 && w.tally().count(version) == w.tally().visits())
                    .findFirst().orElse(null);
            return followed[0] != null;
        });
        Duration settled = Duration.ofNanos(followed[0].startNanos() - written);
        assertThat(settled).as("from the edit until the first window answered by %s alone", version).isLessThanOrEqualTo(SETTLE);
        assertThat(followed[0].rules().values()).as("every mesh runs the new rules").containsOnly(followed[0].rules().get("productpage-v1"))
                .doesNotContain(rulesBefore);

        await().atMost(Duration.ofSeconds(10)).until(() -> demo.windows().stream().filter(w -> w.startNanos() > followed[0].startNanos())
                .count() >= WINDOWS_AFTER);
        List<SplitWindow> later = demo.windows().stream().filter(w -> w.startNanos() >= followed[0].startNanos()).toList();
        for (SplitWindow window : later) {
            assertThat(window.tally().count(version)).as("visits answered by %s of %s, %d ms after the edit", version, window.tally(),
                    (window.startNanos() - written) / 1_000_000).isEqualTo(window.tally().visits());
        }
        return settled;
    }

    private void copyShippedFolder() throws IOException {
        try (Stream<Path> files = Files.list(SHIPPED)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Files.copy(file, rules.resolve(file.getFileName()));
            }
        }
    }

    /** The shipped services.yaml with its six WorkloadEntry ports moved from 19080.. to {@code basePort}.. (a test must not need fixed ports). */
    private void moveServices(int basePort) throws IOException {
        Path services = rules.resolve("services.yaml");
        String text = Files.readString(services);
        for (int offset = 0; offset < 6; offset++) {
            String shipped = "http: " + (Bookinfo.DEFAULT_BASE_PORT + offset) + "\n";
            assertThat(text).as("services.yaml").contains(shipped);
            text = text.replace(shipped, "http: " + (basePort + offset) + "\n");
        }
        Files.writeString(services, text);
    }

    /** A port from which six in a row are free now. */
    private static int freeBasePort() throws IOException {
        Random random = new Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 20_000 + random.nextInt(30_000);
            List<ServerSocket> bound = new ArrayList<>();
            try {
                for (int offset = 0; offset < 6; offset++) {
                    bound.add(new ServerSocket(base + offset, 50, InetAddress.getLoopbackAddress()));
                }
                return base;
            } catch (IOException taken) {
                // try another
            } finally {
                for (ServerSocket socket : bound) {
                    socket.close();
                }
            }
        }
        throw new IllegalStateException("no six free ports in a row found");
    }

    private static int visits(List<SplitWindow> windows) {
        return windows.stream().mapToInt(window -> window.tally().visits()).sum();
    }

    private static Tally total(List<SplitWindow> windows) {
        Tally total = new Tally();
        windows.forEach(window -> total.addAll(window.tally()));
        return total;
    }
}
