package io.inmesh.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inmesh.core.testing.BlockHoundExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;

/**
 * Runs the Bookinfo demo's routing scenarios (1 to 5) in this JVM, with BlockHound watching that
 * no service handler and no step of the mesh blocks an event loop, and checks that Istio's rules
 * split the traffic as Istio documents it: each share within 4.5 standard deviations of the binomial distribution around the
 * rule's weight (exactly all or none where the rule says 100 % or 0 %), and no visit failing.
 */
@ExtendWith(BlockHoundExtension.class)
class BookinfoDemoIT {

    private static final double SIGMAS = 4.5;
    private static final int VISITS = 400;
    private static final Duration TAKE_UP = Duration.ofSeconds(10);

    /** What Istio's Bookinfo tasks say each rule does, audience by audience (null: no end-user header). */
    private record Expected(String title, String endUser, Map<String, Double> shares) {
    }

    @Test
    @Timeout(120)
    void everyRoutingScenarioSplitsTrafficAsItsIstioRuleSays() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        BookinfoDemo demo = new BookinfoDemo(new PrintStream(printed, true, StandardCharsets.UTF_8));

        int exit = BookinfoDemo.commandLine(demo).execute("--scenarios", "1-5", "--requests", String.valueOf(VISITS), "--seed", "20250611");

        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output).isZero();
        List<List<Expected>> expected = List.of(
                List.of(new Expected("all to v1", null, Map.of("v1", 1.0))),
                List.of(new Expected("90/10", null, Map.of("v1", 0.9, "v2", 0.1))),
                List.of(new Expected("80/20", null, Map.of("v1", 0.8, "v2", 0.2))),
                List.of(new Expected("jason to v2", "jason", Map.of("v2", 1.0)),
                        new Expected("others to v3", null, Map.of("v3", 1.0))),
                List.of(new Expected("50/50 v1/v3", null, Map.of("v1", 0.5, "v3", 0.5))));
        List<ScenarioResult> results = demo.results();
        assertThat(results).as(output).hasSize(expected.size());
        SoftAssertions softly = new SoftAssertions();
        for (int s = 0; s < expected.size(); s++) {
            ScenarioResult result = results.get(s);
            softly.assertThat(result.problem()).as("%s: %s", expected.get(s).get(0).title(), output).isNull();
            for (int a = 0; a < expected.get(s).size(); a++) {
                Expected audience = expected.get(s).get(a);
                softly.assertThat(result.scenario().audiences().get(a).endUser()).as(audience.title()).isEqualTo(audience.endUser());
                Tally tally = result.tally(a);
                softly.assertThat(tally.visits()).as(audience.title()).isEqualTo(VISITS);
                softly.assertThat(tally.failed()).as("%s: failed visits %s", audience.title(), tally.failures()).isZero();
                Set<String> versions = new TreeSet<>(audience.shares().keySet());
                versions.addAll(tally.versions().keySet());
                for (String version : versions) {
                    double share = audience.shares().getOrDefault(version, 0.0);
                    softly.assertThat(tally.count(version))
                            .as("%s: visits answered by reviews %s of %d (rule %.0f%%)", audience.title(), version, tally.visits(), 100 * share)
                            .isBetween(lowest(tally.visits(), share), highest(tally.visits(), share));
                }
            }
        }
        softly.assertThat(output).contains("reviews v1  100.0%", "0 failed", "5 scenarios, 2400 visits, ").contains("s in all: OK");
        softly.assertAll();
    }

    @Test
    @Timeout(120)
    void aRuleFileRewrittenOnDiskTakesEffectWhileTrafficRunsWithoutAFailedVisit() throws Exception {
        try (RulesDirectory rules = RulesDirectory.createTemporary();
                Bookinfo bookinfo = Bookinfo.start(rules, 7L);
                Users users = new Users(bookinfo.productPagePort())) {
            RulesDirectory.Applied allV1 = rules.apply(Bookinfo.istioRules("virtual-service-all-v1.yaml"));
            RulesDirectory.Applied ninetyTen = rules.apply(Bookinfo.istioRules("virtual-service-reviews-90-10.yaml"));
            assertThat(allV1.accepted()).as("%s", allV1.diagnostics()).isTrue();
            assertThat(ninetyTen.accepted()).as("%s", ninetyTen.diagnostics()).isTrue();
            RulesDirectory.inForce(bookinfo.meshes(), rules.resources(), TAKE_UP).block();

            Queue<Visit> visits = new ConcurrentLinkedQueue<>();
            Disposable traffic = users.visits(Long.MAX_VALUE, null, 8).subscribe(visits::add);
            long rewrittenAt;
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> visits.size() >= VISITS);

                // The file an operator would edit, rewritten in place (not moved into place) with Istio's 50/50 v1/v3.
                Path reviewsRule = rules.fileOf("VirtualService/default/reviews");
                assertThat(Files.readString(reviewsRule)).contains("weight: 90");
                rewrittenAt = System.nanoTime();
                Files.writeString(reviewsRule, Bookinfo.istioRules("virtual-service-reviews-50-v3.yaml").yaml());

                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                    List<Visit> recent = lastAfter(visits, rewrittenAt, VISITS);
                    assertThat(recent).hasSize(VISITS);
                    Tally tally = tally(recent);
                    assertThat(tally.count("v2")).as("visits answered by v2 after the change: %s", tally).isZero();
                    assertThat(tally.count("v3")).as("visits answered by v3 after the change: %s", tally)
                            .isBetween(lowest(VISITS, 0.5), highest(VISITS, 0.5));
                });
            } finally {
                traffic.dispose();
            }

            List<Visit> all = List.copyOf(visits);
            assertThat(all).filteredOn(visit -> !visit.ok()).as("failed visits").isEmpty();
            Tally before = tally(all.stream().filter(visit -> visit.completedAtNanos() < rewrittenAt).toList());
            assertThat(before.count("v3")).as("v3 before the change: %s", before).isZero();
            assertThat(before.count("v2")).as("v2 before the change: %s", before)
                    .isBetween(lowest(before.visits(), 0.1), highest(before.visits(), 0.1));
            long firstV3 = all.stream().filter(visit -> "v3".equals(visit.reviewsVersion()))
                    .mapToLong(Visit::completedAtNanos).min().orElseThrow();
            System.out.printf("rewritten rule in force: first v3 answer %d ms after the write; %d visits in all%n",
                    (firstV3 - rewrittenAt) / 1_000_000, all.size());
        }
    }

    private static List<Visit> lastAfter(Queue<Visit> visits, long since, int count) {
        List<Visit> after = visits.stream().filter(visit -> visit.completedAtNanos() > since).toList();
        return after.size() <= count ? after : after.subList(after.size() - count, after.size());
    }

    private static Tally tally(List<Visit> visits) {
        Tally tally = new Tally();
        visits.forEach(tally::add);
        return tally;
    }

    /** The fewest of {@code visits} that a share {@code share} explains, at {@value #SIGMAS} standard deviations. */
    private static int lowest(int visits, double share) {
        return (int) Math.ceil(visits * share - SIGMAS * Math.sqrt(visits * share * (1 - share)));
    }

    /** The most of {@code visits} that a share {@code share} explains, at {@value #SIGMAS} standard deviations. */
    private static int highest(int visits, double share) {
        return (int) Math.floor(visits * share + SIGMAS * Math.sqrt(visits * share * (1 - share)));
    }
}
