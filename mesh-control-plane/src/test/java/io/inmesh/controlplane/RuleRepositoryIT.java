package io.inmesh.controlplane;

import static io.inmesh.controlplane.RuleFiles.destinationRule;
import static io.inmesh.controlplane.RuleFiles.peerAuthentication;
import static io.inmesh.controlplane.RuleFiles.virtualService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inmesh.core.config.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * The repository against a real directory and the platform's watch service. Waits are awaits on
 * what was published; the one timing claim (an edit is published within 1 s) is an upper bound far
 * above the 100 ms debounce.
 */
class RuleRepositoryIT {

    private static final Duration PUBLISH_BOUND = Duration.ofSeconds(1);
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    @Test
    void servesEveryFileOfNestedFoldersAsDocumentsWithOriginsAndHash() throws IOException {
        write("reviews.yaml", virtualService("bookinfo", "reviews", "reviews", 50)
                + "---\n" + destinationRule("bookinfo", "reviews", "reviews"));
        write("a/b/c/ratings.yml", virtualService("bookinfo", "ratings", "ratings", 100));
        write("a/notes.txt", "not yaml, not read");

        RuleRepository repository = open(RuleRepository.Settings.DEFAULTS);

        PublishedRules rules = repository.current().orElseThrow();
        assertThat(rules.version()).isEqualTo(1);
        assertThat(rules.documents()).extracting(RuleDocument::origin, RuleDocument::firstLine, RuleDocument::resource)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a/b/c/ratings.yml", 1, "VirtualService/bookinfo/ratings"),
                        org.assertj.core.groups.Tuple.tuple("reviews.yaml", 1, "VirtualService/bookinfo/reviews"),
                        org.assertj.core.groups.Tuple.tuple("reviews.yaml", 14, "DestinationRule/bookinfo/reviews"));
        assertThat(rules.documents().get(2).yaml()).startsWith("---\napiVersion: networking.istio.io/v1\nkind: DestinationRule");
        assertThat(rules.hash()).matches("[0-9a-f]{64}").isEqualTo(PublishedRules.hashOf(rules.documents()));
        assertThat(rules.config().resources()).hasSize(3);
        assertThat(repository.lastRefusal()).isEmpty();
    }

    @Test
    void anEditInANestedFolderIsPublishedWithinASecond() throws IOException {
        Path file = write("team/routes/reviews.yaml", virtualService("bookinfo", "reviews", "reviews", 50));
        RuleRepository repository = open(RuleRepository.Settings.DEFAULTS);
        List<PublishedRules> seen = record(repository);

        long start = System.nanoTime();
        Files.writeString(file, virtualService("bookinfo", "reviews", "reviews", 80));

        await().atMost(PUBLISH_BOUND).until(() -> seen.size() == 2);
        System.out.printf("edit published after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(seen.get(1).version()).isEqualTo(2);
        assertThat(seen.get(1).documents().get(0).yaml()).contains("weight: 80");
    }

    @Test
    void aNewAndADeletedFileArePublished() throws IOException {
        write("reviews.yaml", virtualService("bookinfo", "reviews", "reviews", 50));
        RuleRepository repository = open(RuleRepository.Settings.DEFAULTS);
        List<PublishedRules> seen = record(repository);

        Path added = write("new/dir/ratings.yaml", virtualService("bookinfo", "ratings", "ratings", 100));
        await().atMost(PATIENCE).until(() -> seen.size() == 2);
        assertThat(resources(seen.get(1))).containsExactly("VirtualService/bookinfo/ratings", "VirtualService/bookinfo/reviews");

        Files.delete(added);
        await().atMost(PATIENCE).until(() -> seen.size() == 3);
        assertThat(resources(seen.get(2))).containsExactly("VirtualService/bookinfo/reviews");
    }

    @Test
    void anInvalidEditIsRefusedWithItsDiagnosticsAndTheOldVersionStays() throws IOException {
        Path file = write("routes/reviews.yaml", virtualService("bookinfo", "reviews", "reviews", 50));
        RuleRepository repository = open(RuleRepository.Settings.DEFAULTS);
        PublishedRules first = repository.current().orElseThrow();
        List<PublishedRules> seen = record(repository);

        Files.writeString(file, virtualService("bookinfo", "reviews", "reviews", 150));

        await().atMost(PATIENCE).until(() -> repository.lastRefusal().isPresent());
        Refusal refusal = repository.lastRefusal().orElseThrow();
        assertThat(refusal.reason()).isEqualTo(Refusal.Reason.INVALID);
        assertThat(refusal.keptVersion()).isEqualTo(1);
        assertThat(refusal.hash()).matches("[0-9a-f]{64}").isNotEqualTo(first.hash());
        assertThat(refusal.at()).isBeforeOrEqualTo(Instant.now());
        assertThat(refusal.errorCount()).isPositive();
        assertThat(refusal.diagnostics()).filteredOn(Diagnostic::isError).first().satisfies(d -> {
            assertThat(d.location().source()).isEqualTo("routes/reviews.yaml");
            assertThat(d.resource()).isEqualTo("VirtualService/bookinfo/reviews");
            assertThat(d.field()).startsWith("spec.http[0].route");
        });
        assertThat(repository.current()).contains(first);
        assertThat(seen).containsExactly(first);

        // Fixing the file publishes the next version; the refusal stays on record for status.
        Files.writeString(file, virtualService("bookinfo", "reviews", "reviews", 90));
        await().atMost(PATIENCE).until(() -> seen.size() == 2);
        assertThat(seen.get(1).version()).isEqualTo(2);
        assertThat(repository.lastRefusal()).contains(refusal);
    }

    @Test
    void aRefusedEditSeenAgainIsOneRefusalButTheSameEditAfterARevertIsANewOne() throws IOException {
        String good = virtualService("bookinfo", "reviews", "reviews", 50);
        String bad = virtualService("bookinfo", "reviews", "reviews", 150);
        Path file = write("reviews.yaml", good);
        RuleRepository repository = open(RuleRepository.Settings.DEFAULTS.withClock(new TickingClock()));
        List<PublishedRules> seen = record(repository);

        Files.writeString(file, bad);
        await().atMost(PATIENCE).until(() -> repository.lastRefusal().isPresent());
        Refusal first = repository.lastRefusal().orElseThrow();

        // The same bad bytes again, after a passing extra file that makes the directory be read again:
        // still the first refusal, with its time.
        Files.writeString(dir.resolve("unrelated.yml"), "# a comment only\n");
        Files.delete(dir.resolve("unrelated.yml"));
        Files.writeString(file, bad);
        await().during(Duration.ofMillis(1200)).atMost(PATIENCE).until(() -> repository.lastRefusal().orElseThrow() == first);

        // Reverted (nothing to publish: the published bytes), then the same bad edit: a new refusal.
        Files.writeString(file, good);
        Path marker = write("marker/dr.yaml", destinationRule("bookinfo", "marker", "marker"));
        await().atMost(PATIENCE).until(() -> seen.size() == 2); // publishing forgets the refused content
        Files.delete(marker);
        await().atMost(PATIENCE).until(() -> seen.size() == 3);
        Files.writeString(file, bad);
        await().atMost(PATIENCE).until(() -> repository.lastRefusal().orElseThrow() != first);
        Refusal second = repository.lastRefusal().orElseThrow();
        assertThat(second.hash()).isEqualTo(first.hash());
        assertThat(second.at()).isAfter(first.at());
        assertThat(second.keptVersion()).isEqualTo(3);
    }

    @Test
    void versionsAreDeliveredOffTheEventLoops() throws IOException {
        Path file = write("reviews.yaml", virtualService("bookinfo", "reviews", "reviews", 50));
        RuleRepository repository = open(RuleRepository.Settings.DEFAULTS);
        List<Boolean> nonBlocking = new CopyOnWriteArrayList<>();
        Disposable subscription = repository.versions().subscribe(v -> nonBlocking.add(Schedulers.isInNonBlockingThread()));
        closeables.add(subscription::dispose);

        Files.writeString(file, virtualService("bookinfo", "reviews", "reviews", 70));

        await().atMost(PATIENCE).until(() -> nonBlocking.size() == 2);
        assertThat(nonBlocking).containsOnly(false);
    }

    /** A clock one millisecond further at each reading, so that times tell readings apart. */
    private static final class TickingClock extends java.time.Clock {
        private final java.util.concurrent.atomic.AtomicLong millis = new java.util.concurrent.atomic.AtomicLong(1_000_000);

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.incrementAndGet());
        }
    }

    @Test
    void anInvalidDirectoryAtStartPublishesNothingUntilItIsFixed() throws IOException {
        Path file = write("reviews.yaml", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r}\nspec: {hosts: [\n");
        RuleRepository repository = open(RuleRepository.Settings.DEFAULTS);

        assertThat(repository.current()).isEmpty();
        assertThat(repository.lastRefusal()).hasValueSatisfying(r -> {
            assertThat(r.reason()).isEqualTo(Refusal.Reason.INVALID);
            assertThat(r.keptVersion()).isZero();
            assertThat(r.diagnostics()).anySatisfy(d -> assertThat(d.location().source()).isEqualTo("reviews.yaml"));
        });
        List<PublishedRules> seen = record(repository);

        Files.writeString(file, virtualService("bookinfo", "reviews", "reviews", 50));
        await().atMost(PATIENCE).until(() -> seen.size() == 1);
        assertThat(seen.get(0).version()).isEqualTo(1);
    }

    @Test
    void aDirectoryThatDoesNotExistYetIsPublishedOnceCreated() throws IOException {
        Path rules = dir.resolve("rules");
        RuleRepository repository = closing(RuleRepository.open(rules));
        assertThat(repository.current()).isEmpty();
        assertThat(repository.lastRefusal()).hasValueSatisfying(r -> assertThat(r.diagnostics()).singleElement()
                .satisfies(d -> assertThat(d.message()).contains("no such directory")));
        List<PublishedRules> seen = record(repository);

        Path staging = dir.resolve("staging");
        Files.createDirectories(staging.resolve("routes"));
        Files.writeString(staging.resolve("routes/reviews.yaml"), virtualService("bookinfo", "reviews", "reviews", 50));
        Files.move(staging, rules, StandardCopyOption.ATOMIC_MOVE);

        await().atMost(PATIENCE).until(() -> seen.size() == 1);
        assertThat(resources(seen.get(0))).containsExactly("VirtualService/bookinfo/reviews");
        assertThat(seen.get(0).documents().get(0).origin()).isEqualTo("routes/reviews.yaml");
    }

    @Test
    void aConfigMapVolumeUpdateIsOneNewVersion() throws IOException {
        // The layout kubelet writes: files are links through ..data to a timestamped directory, and an
        // update swaps ..data atomically.
        Path first = write("..2026_12_02_09_00_00.1/reviews.yaml", virtualService("bookinfo", "reviews", "reviews", 50));
        Files.createSymbolicLink(dir.resolve("..data"), first.getParent().getFileName());
        Files.createSymbolicLink(dir.resolve("reviews.yaml"), Path.of("..data/reviews.yaml"));
        RuleRepository repository = open(RuleRepository.Settings.DEFAULTS);
        List<PublishedRules> seen = record(repository);
        assertThat(seen.get(0).documents()).extracting(RuleDocument::origin).containsExactly("reviews.yaml");

        Path second = write("..2026_12_02_09_05_00.2/reviews.yaml", virtualService("bookinfo", "reviews", "reviews", 20));
        Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getParent().getFileName());
        Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(first.getParent());

        await().atMost(PATIENCE).until(() -> seen.size() == 2);
        assertThat(seen.get(1).documents()).singleElement().satisfies(d -> {
            assertThat(d.origin()).isEqualTo("reviews.yaml");
            assertThat(d.yaml()).contains("weight: 20\n");
        });
    }

    @Test
    void removingEveryRouteAndDestinationIsRefusedUnlessForced() throws IOException {
        write("routes/reviews.yaml", virtualService("bookinfo", "reviews", "reviews", 50));
        write("routes/dr/reviews.yaml", destinationRule("bookinfo", "reviews", "reviews"));
        write("security/mtls.yaml", peerAuthentication("bookinfo"));
        RuleRepository repository = open(RuleRepository.Settings.DEFAULTS);
        PublishedRules first = repository.current().orElseThrow();

        deleteTree(dir.resolve("routes")); // a PeerAuthentication remains, but no route and no destination

        await().atMost(PATIENCE).until(() -> repository.lastRefusal().isPresent());
        Refusal refusal = repository.lastRefusal().orElseThrow();
        assertThat(refusal.reason()).isEqualTo(Refusal.Reason.REMOVES_ALL_ROUTES);
        assertThat(refusal.diagnostics()).singleElement().satisfies(d -> assertThat(d.message())
                .contains("VirtualService/bookinfo/reviews", "DestinationRule/bookinfo/reviews", "allowRemovingAllRoutes"));
        assertThat(repository.current()).contains(first);
    }

    @Test
    void removingEveryFileIsPublishedWhenForced() throws IOException {
        write("routes/reviews.yaml", virtualService("bookinfo", "reviews", "reviews", 50));
        RuleRepository repository = open(RuleRepository.Settings.DEFAULTS.withAllowRemovingAllRoutes(true));
        List<PublishedRules> seen = record(repository);

        deleteTree(dir.resolve("routes"));

        await().atMost(PATIENCE).until(() -> seen.size() == 2);
        assertThat(seen.get(1).documents()).isEmpty();
        assertThat(seen.get(1).version()).isEqualTo(2);
        assertThat(repository.lastRefusal()).isEmpty();
    }

    @Test
    void anEditThatChangesNoByteIsNoNewVersion() throws IOException {
        String text = virtualService("bookinfo", "reviews", "reviews", 50);
        Path file = write("reviews.yaml", text);
        RuleRepository repository = open(RuleRepository.Settings.DEFAULTS);
        List<PublishedRules> seen = record(repository);

        // The same bytes, written in place and renamed into place, with a new modification time.
        Files.writeString(file, text);
        Path replacement = Files.writeString(dir.resolve(".reviews.yaml.tmp"), text);
        Files.setLastModifiedTime(replacement, FileTime.from(Instant.now().plusSeconds(5)));
        Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        // Absence needs a period: several debounce periods and polls, with nothing published.
        await().during(Duration.ofMillis(1500)).atMost(PATIENCE).until(() -> seen.size() == 1);
        assertThat(repository.lastRefusal()).isEmpty();

        Files.writeString(file, virtualService("bookinfo", "reviews", "reviews", 60));
        await().atMost(PATIENCE).until(() -> seen.size() == 2);
        assertThat(seen.get(1).version()).isEqualTo(2);
    }

    @Test
    void versionsCountUpByOneAndEachCarriesTheHashOfItsDocuments() throws IOException {
        Path file = write("reviews.yaml", virtualService("bookinfo", "reviews", "reviews", 0));
        RuleRepository repository = open(RuleRepository.Settings.DEFAULTS);
        List<PublishedRules> seen = record(repository);

        for (int weight = 10; weight <= 50; weight += 10) {
            Files.writeString(file, virtualService("bookinfo", "reviews", "reviews", weight));
            int expected = weight / 10 + 1;
            await().atMost(PATIENCE).until(() -> seen.size() == expected);
        }

        assertThat(seen).extracting(PublishedRules::version).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        for (int i = 0; i < seen.size(); i++) {
            PublishedRules rules = seen.get(i);
            assertThat(rules.hash()).isEqualTo(PublishedRules.hashOf(rules.documents()));
            assertThat(rules.documents().get(0).yaml()).contains("weight: " + i * 10 + "\n");
            if (i > 0) {
                assertThat(rules.hash()).isNotEqualTo(seen.get(i - 1).hash());
                assertThat(rules.publishedAt()).isAfterOrEqualTo(seen.get(i - 1).publishedAt());
            }
        }
        // A late subscriber gets the current version at once.
        assertThat(repository.versions().blockFirst(Duration.ofSeconds(1))).isEqualTo(seen.get(5));
    }

    @Test
    void closeCompletesTheFlux() throws IOException {
        write("reviews.yaml", virtualService("bookinfo", "reviews", "reviews", 50));
        RuleRepository repository = RuleRepository.open(dir);
        List<PublishedRules> seen = new CopyOnWriteArrayList<>();
        List<Boolean> completed = new CopyOnWriteArrayList<>();
        repository.versions().subscribe(seen::add, e -> { }, () -> completed.add(true));

        repository.close();

        assertThat(completed).containsExactly(true);
        assertThat(seen).hasSize(1);
        assertThat(repository.current()).isPresent();
    }

    private RuleRepository open(RuleRepository.Settings settings) {
        return closing(RuleRepository.open(dir, settings));
    }

    private RuleRepository closing(RuleRepository repository) {
        closeables.add(repository);
        return repository;
    }

    private List<PublishedRules> record(RuleRepository repository) {
        List<PublishedRules> seen = new CopyOnWriteArrayList<>();
        Disposable subscription = repository.versions().subscribe(seen::add);
        closeables.add(subscription::dispose);
        return seen;
    }

    private static List<String> resources(PublishedRules rules) {
        return rules.documents().stream().map(RuleDocument::resource).toList();
    }

    private Path write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
