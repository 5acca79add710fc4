package io.inmesh.core.source;

import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.config.Severity;
import io.inmesh.core.config.SourceLocation;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Rules read from local files and directories, reloaded when they change.
 *
 * <p>Each configured path is read as {@link MeshConfig#load(java.util.Collection)} reads it: a file
 * whatever its name, a directory recursively for its {@code *.yaml} and {@code *.yml} files. The
 * source emits a complete {@link MeshConfig.LoadResult} once at the start and again after every
 * change: a file created, written, deleted, or renamed into place (the atomic move that editors,
 * {@code kubectl cp} and Kubernetes ConfigMap volumes use), including in subdirectories created
 * later and for configured paths that do not exist yet.
 *
 * <p><b>How changes are seen.</b> A daemon thread named {@value #THREAD_NAME} waits on the
 * platform's {@link java.nio.file.WatchService} and also polls names, sizes and modification times
 * every 500 ms, since some file systems (network mounts, some container bind mounts, macOS's
 * polling watch service) report late or never. A burst of events is
 * coalesced: the files are reloaded once the burst has been quiet for the debounce period
 * (100 ms unless told otherwise), and at the latest ten debounce periods (at least one second)
 * after its first event. A reload is emitted only when the bytes of the files differ from the last
 * emission (by SHA-256), and only when the files did not change while they were being read.
 *
 * <p><b>The flux.</b> {@link #updates()} is hot and shared: every subscriber sees the latest
 * result at once, then each later one, and completes on {@link #close()}. Results are delivered on
 * {@link Schedulers#boundedElastic()}, never on a non-blocking (event-loop) thread. A file that
 * cannot be read, a YAML error or an invalid resource is a diagnostic in the emitted result, never
 * an error signal: the flux does not fail.
 *
 * <p>Thread-safe.
 */
public final class FileConfigSource implements ConfigSource {

    /** The name of the thread that watches, reads and hashes the files. */
    public static final String THREAD_NAME = "inmesh-config-watch";
    /** The debounce period of {@link #watch(List)}. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(100);
    static final long DEFAULT_POLL_MILLIS = 500;
    /** Reloads in a row that found the files changing while they were read, before one is emitted anyway. */
    private static final int MAX_UNSTABLE_RELOADS = 10;

    private static final System.Logger LOG = System.getLogger(FileConfigSource.class.getName());

    private final List<Path> paths;
    private final Options options;
    private final WatchedFiles files;
    private final DirectoryWatch watch;
    private final Debouncer debouncer;
    private final Sinks.Many<MeshConfig.LoadResult> sink = Sinks.many().replay().latest();
    private final Flux<MeshConfig.LoadResult> updates;
    private final Object emitLock = new Object();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicLong checks = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    // Owned by the watch thread.
    private String lastHash;
    private List<String> lastFingerprint;
    private int unstableReloads;

    /**
     * Knobs that tests and unusual file systems need; {@link #watch(List, Duration)} covers the rest.
     *
     * @param debounce the quiet period that ends a burst of events
     * @param pollInterval how often names, sizes and modification times are compared
     * @param useWatchService whether to use the platform's watch service at all, or only poll
     * @param delivery where results are delivered to subscribers; must not be a non-blocking scheduler
     */
    record Options(Duration debounce, Duration pollInterval, boolean useWatchService, Scheduler delivery) {
        Options {
            requireNonNegative("debounce", debounce);
            requireNonNegative("pollInterval", pollInterval);
            if (pollInterval.isZero()) {
                throw new IllegalArgumentException("pollInterval: 0ms (expected: more than 0ms)");
            }
            Objects.requireNonNull(delivery, "delivery");
        }

        static Options withDebounce(Duration debounce) {
            return new Options(debounce, Duration.ofMillis(DEFAULT_POLL_MILLIS), true, Schedulers.boundedElastic());
        }

        Options pollInterval(Duration interval) {
            return new Options(debounce, interval, useWatchService, delivery);
        }

        Options pollingOnly() {
            return new Options(debounce, pollInterval, false, delivery);
        }
    }

    private FileConfigSource(List<Path> paths, Options options) {
        this.paths = paths;
        this.options = options;
        this.files = new WatchedFiles(paths);
        this.watch = options.useWatchService() ? DirectoryWatch.open(paths.get(0).getFileSystem()) : null;
        long quiet = options.debounce().toNanos();
        this.debouncer = new Debouncer(quiet, Math.max(quiet * 10, TimeUnit.SECONDS.toNanos(1)));
        this.updates = sink.asFlux().publishOn(options.delivery(), 1);
        this.thread = new Thread(this::run, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    /**
     * Watches files and directories with the {@linkplain #DEFAULT_DEBOUNCE default debounce}.
     *
     * @param paths files and directories, read in this order; at least one
     * @throws IllegalArgumentException when {@code paths} is empty
     */
    public static FileConfigSource watch(List<Path> paths) {
        return watch(paths, DEFAULT_DEBOUNCE);
    }

    /**
     * Watches files and directories, reloading once events have been quiet for {@code debounce}.
     *
     * @param paths files and directories, read in this order; at least one
     * @param debounce the quiet period that ends a burst of events; zero reloads after every batch of events
     * @throws IllegalArgumentException when {@code paths} is empty or {@code debounce} is negative
     */
    public static FileConfigSource watch(List<Path> paths, Duration debounce) {
        return watch(paths, Options.withDebounce(debounce));
    }

    static FileConfigSource watch(List<Path> paths, Options options) {
        Objects.requireNonNull(paths, "paths");
        Objects.requireNonNull(options, "options");
        List<Path> copy = List.copyOf(paths);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("paths: [] (expected at least one file or directory)");
        }
        FileConfigSource source = new FileConfigSource(copy, options);
        source.thread.start();
        return source;
    }

    private static void requireNonNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + ": " + value.toMillis() + "ms (expected: 0ms or more)");
        }
    }

    @Override
    public Flux<MeshConfig.LoadResult> updates() {
        return updates;
    }

    /** {@code files [a, b]}: the configured paths, as given. */
    @Override
    public String describe() {
        return "files " + paths.stream().map(Path::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Stops watching and completes {@link #updates()}; idempotent. Does not wait for the watch thread. */
    @Override
    public void close() {
        synchronized (emitLock) {
            if (closed) {
                return;
            }
            closed = true;
            sink.tryEmitComplete();
        }
        closing.countDown();
        if (watch != null) {
            watch.close();
        }
    }

    @Override
    public String toString() {
        return "FileConfigSource" + describe().substring("files".length());
    }

    /** The watch thread, for tests. */
    Thread thread() {
        return thread;
    }

    /** How many times the watch thread has compared the files with the last emission, for tests. */
    long checks() {
        return checks.get();
    }

    private void run() {
        long pollNanos = options.pollInterval().toNanos();
        long nextPoll = 0;
        boolean started = false;
        try {
            while (!closed) {
                try {
                    if (!started) {
                        reload(); // registers the directories first, so that no change after it is missed
                        nextPoll = System.nanoTime() + pollNanos;
                        started = true;
                        continue;
                    }
                    long now = System.nanoTime();
                    long wakeAt = debouncer.isPending() && debouncer.deadline() - nextPoll < 0 ? debouncer.deadline() : nextPoll;
                    awaitEvents(Math.max(0, wakeAt - now));
                    now = System.nanoTime();
                    if (now - nextPoll >= 0) {
                        poll(now);
                        nextPoll = now + pollNanos;
                    }
                    if (debouncer.isDue(now) && !closed) {
                        debouncer.clear();
                        reload();
                    }
                } catch (ClosedWatchServiceException e) {
                    break; // close() woke us
                } catch (RuntimeException e) {
                    // A bug, or a file system that throws what it should not: keep watching, after a pause.
                    LOG.log(System.Logger.Level.WARNING, "watching " + describe() + " failed; retrying", e);
                    closing.await(pollNanos, TimeUnit.NANOSECONDS);
                }
            }
        } catch (InterruptedException e) {
            // Nobody else interrupts this thread; treat it as close.
            Thread.currentThread().interrupt();
        } catch (Error e) {
            LOG.log(System.Logger.Level.ERROR, "watching " + describe() + " stopped; the rules stay as they are", e);
            throw e;
        } finally {
            if (watch != null) {
                watch.close();
            }
        }
    }

    private void awaitEvents(long timeoutNanos) throws InterruptedException {
        if (watch == null) {
            closing.await(timeoutNanos, TimeUnit.NANOSECONDS);
            return;
        }
        DirectoryWatch.Events events = watch.await(timeoutNanos);
        if (events.any()) {
            debouncer.signal(System.nanoTime());
        }
        if (events.needsRegistration()) {
            // At once rather than at the reload: a file written into a new directory meanwhile raises an event.
            registerDirectories();
        }
    }

    /** The fallback for file systems whose watch service misses events. */
    private void poll(long now) {
        registerDirectories();
        List<String> fingerprint = files.fingerprint();
        if (!fingerprint.equals(lastFingerprint)) {
            lastFingerprint = fingerprint;
            debouncer.signal(now);
        }
    }

    private void registerDirectories() {
        if (watch != null) {
            watch.registerOnly(files.directoriesToWatch());
        }
    }

    /**
     * Reads and validates the files and emits the result, unless their bytes are those of the last
     * emission. When they changed while being read, the result may mix old and new content: it is
     * dropped and the reload tried again after the debounce period.
     */
    private void reload() {
        registerDirectories();
        lastFingerprint = files.fingerprint();
        String before = files.contentHash();
        if (before.equals(lastHash)) {
            unstableReloads = 0;
            checks.incrementAndGet();
            return;
        }
        MeshConfig.LoadResult result = load();
        if (!files.contentHash().equals(before)) {
            debouncer.signal(System.nanoTime());
            if (++unstableReloads < MAX_UNSTABLE_RELOADS) {
                checks.incrementAndGet();
                return;
            }
            // Files that never hold still: emit what was read rather than nothing, and look again.
        }
        unstableReloads = 0;
        lastHash = before;
        emit(result);
        checks.incrementAndGet();
    }

    /** {@link MeshConfig#load}, whose unexpected failure is an emitted error too: the mesh keeps its last good rules. */
    private MeshConfig.LoadResult load() {
        try {
            return MeshConfig.load(paths);
        } catch (RuntimeException | StackOverflowError e) {
            LOG.log(System.Logger.Level.ERROR, "loading " + describe() + " failed", e);
            return new MeshConfig.LoadResult(null, 0, List.of(new Diagnostic(Severity.ERROR, SourceLocation.of(describe()),
                    null, null, "internal error while loading the files: " + e)));
        }
    }

    private void emit(MeshConfig.LoadResult result) {
        synchronized (emitLock) {
            if (closed) {
                return;
            }
            Sinks.EmitResult emitted = sink.tryEmitNext(result);
            if (emitted.isFailure()) {
                LOG.log(System.Logger.Level.WARNING, () -> "could not publish new rules from " + describe() + ": " + emitted);
            }
        }
    }
}
