package io.inmesh.core.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.config.SourceDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.scheduler.Schedulers;

class RuleStoreTest {

    private static final String REVIEWS_VS = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              hosts:
              - reviews
              http:
              - match:
                - headers:
                    end-user:
                      exact: "jäson ✓"
                route:
                - destination:
                    host: reviews
                    subset: v2
              - route:
                - destination:
                    host: reviews
                    subset: v1
                  weight: 75
                - destination:
                    host: reviews
                    subset: v3
                  weight: 25
            """;
    private static final String REVIEWS_DR = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              host: reviews
              subsets:
              - name: v1
                labels: {version: v1}
              - name: v2
                labels: {version: v2}
              - name: v3
                labels: {version: v3}
            """;
    private static final Instant TAKEN = Instant.parse("2026-12-02T09:30:00.123456789Z");

    @TempDir
    Path dir;
    private Path file;
    private RuleStore store;
    private LogCapture log;

    @BeforeEach
    void setUp() {
        file = dir.resolve("state").resolve("last-good-rules.bin");
        store = new RuleStore(file);
        log = LogCapture.of(RuleStore.class);
    }

    @AfterEach
    void tearDown() {
        log.close();
    }

    private static RuleStore.StoredRules rules(String version, SourceDocument... documents) {
        return new RuleStore.StoredRules(version, TAKEN, List.of(documents));
    }

    private RuleStore.StoredRules savedRules() {
        RuleStore.StoredRules rules = rules("v1", new SourceDocument("rules/reviews.yaml", REVIEWS_VS + "---\n" + REVIEWS_DR));
        assertThat(store.save(rules)).isTrue();
        return rules;
    }

    @Test
    void rulesReadFromFilesComeBackAsAnEqualConfigurationWithTheSameSourceLocations() throws IOException {
        Path rulesDir = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rulesDir.resolve("a-virtual-service.yaml"), REVIEWS_VS);
        Files.writeString(Files.createDirectories(rulesDir.resolve("nested")).resolve("b-destination-rule.yml"), REVIEWS_DR);
        MeshConfig.LoadResult original = MeshConfig.load(List.of(rulesDir));
        assertThat(original.isValid()).isTrue();
        List<SourceDocument> documents = original.config().sourceDocuments().orElseThrow();
        assertThat(documents).extracting(SourceDocument::name)
                .containsExactly(rulesDir.resolve("a-virtual-service.yaml").toString(), rulesDir.resolve("nested/b-destination-rule.yml").toString());

        String version = RuleStore.contentVersion(documents);
        assertThat(store.save(new RuleStore.StoredRules(version, TAKEN, documents))).isTrue();
        RuleStore.RestoredRules restored = new RuleStore(file).restore().orElseThrow();

        assertThat(restored.version()).isEqualTo(version);
        assertThat(restored.takenAt()).isEqualTo(TAKEN);
        // Records all the way down: equal resources means equal specs, metadata and source positions.
        assertThat(restored.config().resources()).isEqualTo(original.config().resources());
        assertThat(restored.config().resources()).hasSize(2);
        assertThat(restored.config().sourceDocuments()).contains(documents);
        assertThat(RuleStore.contentVersion(restored.config().sourceDocuments().orElseThrow())).isEqualTo(version);
        assertThat(log.warnings()).isEmpty();
    }

    @Test
    void contentVersionFollowsNamesAndTexts() {
        String a = RuleStore.contentVersion(List.of(new SourceDocument("a.yaml", REVIEWS_VS)));
        assertThat(a).matches("sha256:[0-9a-f]{16}");
        assertThat(RuleStore.contentVersion(List.of(new SourceDocument("a.yaml", REVIEWS_VS)))).isEqualTo(a);
        assertThat(RuleStore.contentVersion(List.of(new SourceDocument("b.yaml", REVIEWS_VS)))).isNotEqualTo(a);
        assertThat(RuleStore.contentVersion(List.of(new SourceDocument("a.yaml", REVIEWS_DR)))).isNotEqualTo(a);
        // The boundary between name and text counts.
        assertThat(RuleStore.contentVersion(List.of(new SourceDocument("ab", "c"))))
                .isNotEqualTo(RuleStore.contentVersion(List.of(new SourceDocument("a", "bc"))));
    }

    @Test
    void anEmptyConfigurationRoundTrips() {
        assertThat(store.save(rules("empty"))).isTrue();
        RuleStore.RestoredRules restored = store.restore().orElseThrow();
        assertThat(restored.config().resources()).isEmpty();
        assertThat(restored.version()).isEqualTo("empty");
    }

    @Test
    void aSaveReplacesTheFileAndLeavesNoTemporaryFileBehind() throws IOException {
        savedRules();
        assertThat(store.save(rules("v2", new SourceDocument("dr.yaml", REVIEWS_DR)))).isTrue();

        RuleStore.RestoredRules restored = store.restore().orElseThrow();
        assertThat(restored.version()).isEqualTo("v2");
        assertThat(restored.config().resources()).hasSize(1);
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aReaderDuringRepeatedReplacesAlwaysSeesTheOldOrTheNewRulesWhole() throws Exception {
        RuleStore.StoredRules small = rules("small", new SourceDocument("dr.yaml", REVIEWS_DR));
        // Large enough that a write takes more than one system call.
        RuleStore.StoredRules large = rules("large", new SourceDocument("vs.yaml", REVIEWS_VS + "#" + "x".repeat(2_000_000) + "\n"));
        assertThat(store.save(small)).isTrue();
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 60; i++) {
                    assertThat(store.save(i % 2 == 0 ? large : small)).isTrue();
                }
            } finally {
                writing.set(false);
            }
        });
        Set<String> seen = new HashSet<>();
        int reads = 0;
        RuleStore reader = new RuleStore(file);
        while (writing.get() || reads == 0) {
            Optional<RuleStore.StoredRules> read = reader.read();
            assertThat(read).as("read %d", reads).isPresent();
            assertThat(read.get()).isIn(small, large);
            seen.add(read.get().version());
            reads++;
        }
        writer.get(30, TimeUnit.SECONDS);
        assertThat(log.warnings()).isEmpty();
        assertThat(reads).isPositive();
        assertThat(seen).isNotEmpty().isSubsetOf("small", "large");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 8, 12, 19, 20, 100, -1})
    void aTruncatedFileIsIgnoredWithAWarningThatNamesTheFile(int length) throws IOException {
        savedRules();
        byte[] bytes = Files.readAllBytes(file);
        int cut = length < 0 ? bytes.length + length : length;
        Files.write(file, java.util.Arrays.copyOf(bytes, cut));

        assertThat(store.restore()).isEmpty();

        assertThat(log.warnings()).singleElement().satisfies(warning -> {
            assertThat(warning).startsWith("ignoring the last good rules in " + file + ": ");
            if (cut < RuleStore.MAGIC.length) {
                assertThat(warning).contains("magic bytes").contains("cut short");
            } else {
                assertThat(warning).contains("truncated: " + cut + " bytes");
            }
        });
    }

    @Test
    void aFlippedByteInThePayloadFailsTheChecksum() throws IOException {
        savedRules();
        byte[] bytes = Files.readAllBytes(file);
        bytes[RuleStore.HEADER_BYTES + 40] ^= 0x01;
        Files.write(file, bytes);

        assertThat(store.restore()).isEmpty();
        assertThat(log.warnings()).singleElement().asString()
                .startsWith("ignoring the last good rules in " + file + ": checksum mismatch")
                .endsWith("(the file is corrupted)");
    }

    @Test
    void aFlippedByteInTheChecksumIsCaughtToo() throws IOException {
        savedRules();
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= (byte) 0x80;
        Files.write(file, bytes);

        assertThat(store.read()).isEmpty();
        assertThat(log.warnings()).singleElement().asString().contains("checksum mismatch");
    }

    @Test
    void aFileThatIsNotAStoreIsIgnored() throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, REVIEWS_VS);

        assertThat(store.restore()).isEmpty();
        assertThat(log.warnings()).singleElement().asString()
                .isEqualTo("ignoring the last good rules in " + file + ": it does not start with the rule store's magic bytes"
                        + " (expected a file written by inmesh; is it another file, or cut short?)");
    }

    @Test
    void aFileOfAnotherFormatVersionIsIgnored() throws IOException {
        savedRules();
        byte[] bytes = Files.readAllBytes(file);
        bytes[RuleStore.MAGIC.length + 3] = 2;
        Files.write(file, bytes);

        assertThat(store.restore()).isEmpty();
        assertThat(log.warnings()).containsExactly("ignoring the last good rules in " + file + ": format version 2 (expected: 1)");
    }

    @Test
    void aLengthThatDisagreesWithTheFileIsIgnored() throws IOException {
        savedRules();
        Files.write(file, new byte[] {0, 0, 0}, java.nio.file.StandardOpenOption.APPEND);

        assertThat(store.restore()).isEmpty();
        assertThat(log.warnings()).singleElement().asString().contains(": wrong length: ");
    }

    @Test
    void aMissingFileIsNoWarning() {
        assertThat(store.restore()).isEmpty();
        assertThat(log.warnings()).isEmpty();
        assertThat(log.infoAndAbove()).containsExactly("no last good rules in " + file + " (no such file)");
    }

    @Test
    void storedRulesThatNoLongerValidateAreIgnoredWithTheirDiagnostics() {
        String invalid = REVIEWS_VS.replace("weight: 75", "weight: -5");
        assertThat(store.save(rules("v-bad", new SourceDocument("vs.yaml", invalid)))).isTrue();

        assertThat(store.read()).isPresent(); // the file itself is sound
        assertThat(store.restore()).isEmpty();
        assertThat(log.warnings()).singleElement().asString()
                .startsWith("ignoring the last good rules in " + file + ": its rules (version v-bad) are no longer valid")
                .contains("vs.yaml")
                .contains("weight");
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsAWarningNotAnException() throws IOException {
        Path blocker = Files.writeString(dir.resolve("not-a-directory"), "a file");
        RuleStore unwritable = new RuleStore(blocker.resolve("rules.bin"));

        assertThat(unwritable.save(rules("v1", new SourceDocument("dr.yaml", REVIEWS_DR)))).isFalse();

        assertThat(log.warnings()).singleElement().asString()
                .startsWith("could not keep the last good rules (version v1) in " + blocker.resolve("rules.bin").toAbsolutePath() + ": ")
                .contains("FileAlreadyExistsException: " + blocker).endsWith("starts without them");
        assertThat(unwritable.restore()).isEmpty();
    }

    @Test
    void aFailedSaveLeavesTheOldFileInForce() throws IOException {
        RuleStore.StoredRules old = savedRules();
        // A directory where the temporary file's rename must land: the move fails, the old rules stay.
        Path target = dir.resolve("state").resolve("occupied");
        Files.createDirectories(target.resolve("child"));
        RuleStore blocked = new RuleStore(target);
        assertThat(blocked.save(rules("v2", new SourceDocument("dr.yaml", REVIEWS_DR)))).isFalse();
        assertThat(log.warnings()).singleElement().asString().contains("could not keep the last good rules (version v2)");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactlyInAnyOrder(file, target); // the temporary file was removed
        }
        assertThat(store.read()).contains(old);
    }

    @Test
    void savesAskedForWhileOneIsPendingAreCoalescedToTheLatest() {
        List<Runnable> tasks = new ArrayList<>();
        var scheduler = Schedulers.fromExecutor(tasks::add);
        try {
            for (int i = 1; i <= 5; i++) {
                store.saveLater(rules("v" + i, new SourceDocument("dr.yaml", REVIEWS_DR)), scheduler);
            }
            assertThat(tasks).hasSize(1);
            assertThat(Files.exists(file)).isFalse(); // nothing written on the caller's thread
            tasks.remove(0).run();

            assertThat(store.read().orElseThrow().version()).isEqualTo("v5");
            store.saveLater(rules("v6", new SourceDocument("dr.yaml", REVIEWS_DR)), scheduler);
            assertThat(tasks).hasSize(1);
            tasks.remove(0).run();
            assertThat(store.read().orElseThrow().version()).isEqualTo("v6");
        } finally {
            scheduler.dispose();
        }
    }

    @Test
    void closeWritesWhatIsPendingAndThenTheFileNoLongerChanges() {
        List<Runnable> tasks = new ArrayList<>();
        var scheduler = Schedulers.fromExecutor(tasks::add);
        try {
            store.saveLater(rules("v1", new SourceDocument("dr.yaml", REVIEWS_DR)), scheduler);
            store.close();
            assertThat(store.read().orElseThrow().version()).as("the pending save is written by close").isEqualTo("v1");

            // A drain scheduled before close, and saves asked for after it, write nothing: the owner
            // of the file may be deleting it (a mesh closed at the end of a test, its directory removed).
            store.saveLater(rules("v2", new SourceDocument("dr.yaml", REVIEWS_DR)), scheduler);
            tasks.forEach(Runnable::run);
            assertThat(store.save(rules("v3", new SourceDocument("dr.yaml", REVIEWS_DR)))).isFalse();
            assertThat(store.read().orElseThrow().version()).isEqualTo("v1");
        } finally {
            scheduler.dispose();
        }
    }
}
