package io.inmesh.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The source against the real file system and its watch service. Each test waits (up to 5 s, far
 * above the 100 ms debounce) for an emission whose <em>content</em> shows the change, then checks
 * that exactly the expected emissions happened; none measures time.
 */
class FileConfigSourceIT {

    private static final Duration PATIENCE = Duration.ofSeconds(5);
    /** Long enough that only the watch service can have seen a change. */
    private static final Duration NO_POLLING = Duration.ofHours(1);

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    // --- what is emitted

    @Test
    void emitsTheConfigurationAtSubscription() throws IOException {
        write("reviews.yaml", virtualService("reviews"));

        Recorder recorder = record(FileConfigSource.watch(List.of(dir)));

        MeshConfig.LoadResult first = recorder.awaitCount(1);
        assertThat(first.isValid()).isTrue();
        assertThat(names(first)).containsExactly("reviews");
    }

    @Test
    void anEditInPlaceIsOneNewEmission() throws IOException {
        Path file = write("reviews.yaml", virtualService("reviews"));
        Recorder recorder = record(FileConfigSource.watch(List.of(dir)));
        recorder.awaitCount(1);

        Files.writeString(file, virtualService("reviews-edited"));

        recorder.awaitNames("reviews-edited");
        assertThat(recorder.results()).extracting(FileConfigSourceIT::names)
                .containsExactly(List.of("reviews"), List.of("reviews-edited"));
    }

    @Test
    void aNewFileIsOneNewEmission() throws IOException {
        write("reviews.yaml", virtualService("reviews"));
        Recorder recorder = record(FileConfigSource.watch(List.of(dir)));
        recorder.awaitCount(1);

        write("ratings.yml", virtualService("ratings"));

        recorder.awaitNames("ratings", "reviews");
        assertThat(recorder.results()).hasSize(2);
    }

    @Test
    void aDeletedFileIsOneNewEmission() throws IOException {
        write("reviews.yaml", virtualService("reviews"));
        Path ratings = write("ratings.yaml", virtualService("ratings"));
        Recorder recorder = record(FileConfigSource.watch(List.of(dir)));
        recorder.awaitNames("ratings", "reviews");

        Files.delete(ratings);

        recorder.awaitNames("reviews");
        assertThat(recorder.results()).hasSize(2);
    }

    @Test
    void aFileMovedIntoPlaceAtomicallyIsOneNewEmission() throws IOException {
        Path file = write("reviews.yaml", virtualService("reviews"));
        Recorder recorder = record(FileConfigSource.watch(List.of(dir)));
        recorder.awaitCount(1);

        // As editors and `kubectl cp`-style tools do: write beside, then rename over.
        Path staged = write(".reviews.yaml.tmp", virtualService("reviews-replaced"));
        Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        recorder.awaitNames("reviews-replaced");
        assertThat(recorder.results()).hasSize(2);
    }

    @Test
    void aConfigMapVolumeSwapIsSeenThroughItsSymlinks() throws IOException {
        // The layout the kubelet keeps for a mounted ConfigMap: files link through ..data to a
        // timestamped directory, and an update swaps ..data with one atomic rename.
        Path v1 = Files.createDirectory(dir.resolve("..2024_01_01_00_00_00.1"));
        Files.writeString(v1.resolve("reviews.yaml"), virtualService("reviews-v1"));
        Path file = dir.resolve("reviews.yaml");
        symlink(dir.resolve("..data"), v1.getFileName());
        symlink(file, Path.of("..data", "reviews.yaml"));
        Recorder recorder = record(FileConfigSource.watch(List.of(file)));
        recorder.awaitNames("reviews-v1");

        Path v2 = Files.createDirectory(dir.resolve("..2024_01_01_00_01_00.2"));
        Files.writeString(v2.resolve("reviews.yaml"), virtualService("reviews-v2"));
        symlink(dir.resolve("..data_tmp"), v2.getFileName());
        Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);

        recorder.awaitNames("reviews-v2");
        assertThat(recorder.results()).hasSize(2);
    }

    @Test
    void aPathThatAppearsLaterIsPickedUp() throws IOException {
        Path rules = dir.resolve("rules");
        Recorder recorder = record(FileConfigSource.watch(List.of(rules)));
        MeshConfig.LoadResult first = recorder.awaitCount(1);
        assertThat(first.isValid()).isFalse();
        assertThat(first.diagnostics()).extracting(Diagnostic::format)
                .containsExactly(rules + ": error: no such file or directory");

        Files.createDirectory(rules);
        Files.writeString(rules.resolve("reviews.yaml"), virtualService("reviews"));

        recorder.awaitNames("reviews");
        assertThat(recorder.latest().isValid()).isTrue();
    }

    @Test
    void aBurstOfWritesYieldsFewEmissionsTheLastWithTheFinalContent() throws IOException {
        Path file = write("reviews.yaml", virtualService("reviews"));
        Recorder recorder = record(FileConfigSource.watch(List.of(dir)));
        recorder.awaitCount(1);

        for (int i = 0; i < 20; i++) {
            Files.writeString(file, virtualService("reviews-" + i));
        }

        recorder.awaitNames("reviews-19");
        assertThat(recorder.results()).hasSizeBetween(2, 4);
    }

    @Test
    void anInvalidEditIsEmittedWithItsErrorsAndAFixIsEmittedAgain() throws IOException {
        Path file = write("reviews.yaml", virtualService("reviews"));
        Recorder recorder = record(FileConfigSource.watch(List.of(dir)));
        recorder.awaitCount(1);

        Files.writeString(file, virtualService("reviews").replace("weight: 100", "weight: -5"));

        await().atMost(PATIENCE).until(() -> !recorder.latest().isValid());
        MeshConfig.LoadResult invalid = recorder.latest();
        assertThat(invalid.errorCount()).isPositive();
        assertThat(invalid.diagnostics()).allSatisfy(d -> assertThat(d.location().source()).isEqualTo(file.toString()));

        Files.writeString(file, virtualService("reviews-fixed"));
        recorder.awaitNames("reviews-fixed");
        assertThat(recorder.results()).extracting(MeshConfig.LoadResult::isValid).containsExactly(true, false, true);
    }

    @Test
    void aFileThatCannotBeReadIsADiagnosticNotAnError() throws IOException {
        write("reviews.yaml", virtualService("reviews"));
        Recorder recorder = record(FileConfigSource.watch(List.of(dir)));
        recorder.awaitCount(1);

        Path binary = Files.write(dir.resolve("binary.yaml"), new byte[] {(byte) 0xC3, (byte) 0x28});

        await().atMost(PATIENCE).until(() -> recorder.results().size() == 2);
        assertThat(recorder.latest().diagnostics()).extracting(Diagnostic::format)
                .containsExactly(binary + ": error: not valid UTF-8 text");
        assertThat(recorder.error()).isNull();
    }

    @Test
    void touchingAFileOrWritingAnUnrelatedOneEmitsNothing() throws IOException {
        Path file = write("reviews.yaml", virtualService("reviews"));
        FileConfigSource source = FileConfigSource.watch(List.of(dir), Duration.ofMillis(20));
        Recorder recorder = record(source);
        recorder.awaitCount(1);

        long checks = source.checks();
        Files.writeString(file, virtualService("reviews")); // same bytes, new modification time
        Files.writeString(dir.resolve("notes.txt"), "an unrelated file");
        await().atMost(PATIENCE).until(() -> source.checks() > checks);

        assertThat(recorder.results()).hasSize(1);
    }

    // --- how changes are seen

    @Test
    void theWatchServiceAloneSeesChangesAndNewSubdirectories(@TempDir Path elsewhere) throws IOException {
        assumeNativeWatchService();
        write("reviews.yaml", virtualService("reviews"));
        FileConfigSource source = FileConfigSource.watch(List.of(dir),
                FileConfigSource.Options.withDebounce(Duration.ofMillis(50)).pollInterval(NO_POLLING));
        Recorder recorder = record(source);
        recorder.awaitCount(1);

        // A directory renamed into place, files and all: registered as it appears.
        Path staging = Files.createDirectory(elsewhere.resolve("ratings"));
        Files.writeString(staging.resolve("ratings.yaml"), virtualService("ratings"));
        Files.move(staging, dir.resolve("ratings"), StandardCopyOption.ATOMIC_MOVE);
        recorder.awaitNames("ratings", "reviews");

        Files.writeString(dir.resolve("ratings/ratings.yaml"), virtualService("ratings-edited"));
        recorder.awaitNames("ratings-edited", "reviews");

        Files.createDirectories(dir.resolve("details/v1"));
        Files.writeString(dir.resolve("details/v1/details.yaml"), virtualService("details"));
        recorder.awaitNames("details", "ratings-edited", "reviews");
    }

    @Test
    void pollingAloneSeesChangesWhereThereIsNoWatchService() throws IOException {
        Path file = write("reviews.yaml", virtualService("reviews"));
        FileConfigSource source = FileConfigSource.watch(List.of(dir),
                FileConfigSource.Options.withDebounce(Duration.ofMillis(20)).pollInterval(Duration.ofMillis(50)).pollingOnly());
        Recorder recorder = record(source);
        recorder.awaitCount(1);

        Files.writeString(file, virtualService("reviews-edited"));
        recorder.awaitNames("reviews-edited");

        Files.createDirectories(dir.resolve("sub"));
        write("sub/ratings.yaml", virtualService("ratings"));
        recorder.awaitNames("ratings", "reviews-edited");
        assertThat(recorder.results()).hasSize(3);
    }

    // --- the flux and the thread

    @Test
    void theFluxIsSharedAndReplaysTheLatestToLateSubscribers() throws IOException {
        Path file = write("reviews.yaml", virtualService("reviews"));
        FileConfigSource source = FileConfigSource.watch(List.of(dir));
        Recorder early = record(source);
        MeshConfig.LoadResult first = early.awaitCount(1);

        Recorder late = record(source);
        assertThat(late.awaitCount(1)).isSameAs(first);

        Files.writeString(file, virtualService("reviews-edited"));
        early.awaitNames("reviews-edited");
        late.awaitNames("reviews-edited");
        assertThat(late.latest()).isSameAs(early.latest());
    }

    @Test
    void closeCompletesTheFluxForCurrentAndLaterSubscribers() throws IOException {
        write("reviews.yaml", virtualService("reviews"));
        FileConfigSource source = FileConfigSource.watch(List.of(dir));
        closeables.add(source);

        StepVerifier.create(source.updates())
                .assertNext(result -> assertThat(names(result)).containsExactly("reviews"))
                .then(source::close)
                .expectComplete()
                .verify(PATIENCE);

        StepVerifier.create(source.updates())
                .assertNext(result -> assertThat(names(result)).containsExactly("reviews"))
                .expectComplete()
                .verify(PATIENCE);
        await().atMost(PATIENCE).until(() -> !source.thread().isAlive());
    }

    @Test
    void theWatchThreadIsANamedDaemon() throws IOException {
        write("reviews.yaml", virtualService("reviews"));
        FileConfigSource source = FileConfigSource.watch(List.of(dir));
        closeables.add(source);

        assertThat(source.thread().getName()).isEqualTo("inmesh-config-watch");
        assertThat(source.thread().isDaemon()).isTrue();
    }

    @Test
    void neverDeliversOnANonBlockingThreadEvenToASubscriberOnOne() throws IOException {
        Path file = write("reviews.yaml", virtualService("reviews"));
        FileConfigSource source = FileConfigSource.watch(List.of(dir));
        closeables.add(source);
        record(source).awaitCount(1);

        List<String> deliveries = new CopyOnWriteArrayList<>();
        AtomicBoolean onNonBlocking = new AtomicBoolean();
        AtomicReference<Disposable> subscription = new AtomicReference<>();
        Schedulers.parallel().schedule(() -> subscription.set(source.updates().subscribe(result -> {
            onNonBlocking.compareAndSet(false, Schedulers.isInNonBlockingThread());
            deliveries.add(Thread.currentThread().getName());
        })));
        closeables.add(() -> subscription.get().dispose());
        await().atMost(PATIENCE).until(() -> deliveries.size() == 1);

        Files.writeString(file, virtualService("reviews-edited"));
        await().atMost(PATIENCE).until(() -> deliveries.size() == 2);
        assertThat(onNonBlocking).isFalse();
    }

    // --- helpers

    private Recorder record(FileConfigSource source) {
        closeables.add(source);
        Recorder recorder = new Recorder();
        closeables.add(source.updates().subscribe(recorder.results::add, recorder.error::set)::dispose);
        return recorder;
    }

    private static final class Recorder {
        final List<MeshConfig.LoadResult> results = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        List<MeshConfig.LoadResult> results() {
            return List.copyOf(results);
        }

        MeshConfig.LoadResult latest() {
            return results.isEmpty() ? null : results.get(results.size() - 1);
        }

        Throwable error() {
            return error.get();
        }

        MeshConfig.LoadResult awaitCount(int count) {
            await().atMost(PATIENCE).until(() -> results.size() >= count);
            return results.get(count - 1);
        }

        /** Waits for an emission with exactly these resources (by name, sorted), valid. */
        void awaitNames(String... names) {
            await().atMost(PATIENCE).until(() -> latest() != null && latest().isValid()
                    && names(latest()).equals(List.of(names)));
        }
    }

    private static List<String> names(MeshConfig.LoadResult result) {
        return result.config() == null ? List.of()
                : result.config().resources().stream().map(r -> r.metadata().name()).sorted().toList();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static void symlink(Path link, Path target) throws IOException {
        try {
            Files.createSymbolicLink(link, target);
        } catch (UnsupportedOperationException | FileSystemException e) {
            Assumptions.abort("no symbolic links here: " + e);
        }
    }

    /** macOS's JDK watch service polls every few seconds: the tests of the watch service alone need a real one. */
    private static void assumeNativeWatchService() throws IOException {
        try (WatchService service = FileSystems.getDefault().newWatchService()) {
            Assumptions.assumeFalse(service.getClass().getSimpleName().startsWith("Polling"),
                    "the platform's watch service polls: " + service.getClass().getName());
        }
    }

    /** A VirtualService whose name shows which version of a file was read. */
    private static String virtualService(String name) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %s
                  namespace: bookinfo
                spec:
                  hosts: [%s]
                  http:
                  - route:
                    - destination: {host: reviews}
                      weight: 100
                """.formatted(name, name);
    }
}
