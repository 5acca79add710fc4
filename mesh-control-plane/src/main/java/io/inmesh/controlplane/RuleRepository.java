package io.inmesh.controlplane;

import io.inmesh.controlplane.internal.RuleSetReader;
import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.config.Severity;
import io.inmesh.core.config.SourceLocation;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import io.inmesh.core.source.FileConfigSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The rule set of one directory (Istio YAML, in folders of any depth), published as validated,
 * versioned {@link PublishedRules}: what the control plane serves.
 *
 * <p><b>Publishing.</b> The directory is read at {@link #open} and again after every change (a file
 * created, written, renamed or deleted, in any subdirectory), seen by mesh-core's
 * {@link FileConfigSource} watch within its debounce period (100 ms unless told otherwise), so a change
 * is published well within a second. Each read is validated as {@code mesh validate} validates; then:
 * <ul>
 *   <li>documents with the hash of the published version: nothing happens (an edit that changes nothing,
 *       a touch, a rewrite with the same bytes);</li>
 *   <li>errors: the change is {@linkplain Refusal.Reason#INVALID refused}, the published version stays;</li>
 *   <li>no VirtualService, DestinationRule or ServiceEntry left where the published version had some:
 *       {@linkplain Refusal.Reason#REMOVES_ALL_ROUTES refused} unless
 *       {@link Settings#allowRemovingAllRoutes()}, since an emptied or unmounted directory would
 *       otherwise take every route of the mesh away at once;</li>
 *   <li>otherwise the next version is published: version numbers count up from 1 by one.</li>
 * </ul>
 * A refusal is logged at WARNING with its diagnostics and kept as {@link #lastRefusal()} (a later
 * publication does not clear it: status shows when it happened and what it refused).
 *
 * <p><b>Threads.</b> Reading, validating and hashing happen in {@link #open} on the caller's thread
 * (which must be allowed to block) and afterwards on {@code boundedElastic} threads, one at a time;
 * never on an event loop. Readers ({@link #current()}, {@link #versions()}, {@link #lastRefusal()})
 * never block. Thread-safe.
 */
public final class RuleRepository implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RuleRepository.class.getName());
    private static final List<ResourceKind> ROUTES_AND_DESTINATIONS =
            List.of(ResourceKind.VIRTUAL_SERVICE, ResourceKind.DESTINATION_RULE, ResourceKind.SERVICE_ENTRY);

    private final Path directory;
    private final Settings settings;
    private final RuleSetReader reader;
    private final Sinks.Many<PublishedRules> published = Sinks.many().replay().latest();
    private final Object lock = new Object();
    private final FileConfigSource watch;
    private final Disposable watching;

    // Guarded by lock; volatile for the non-blocking readers.
    private volatile PublishedRules current;
    private volatile Refusal lastRefusal;
    private long lastVersion;
    /** The hash of the refused content while it is what the directory holds: a touch does not refuse it again. */
    private String refusedOnDisk;
    private boolean closed;

    /**
     * How a repository publishes.
     *
     * @param debounce the quiet period that ends a burst of file events before the directory is read
     *     again; keep it well below a second
     * @param allowRemovingAllRoutes whether a change that leaves no VirtualService, DestinationRule
     *     or ServiceEntry (where some were published) is published rather than refused
     * @param clock the clock of publication and refusal times
     */
    public record Settings(Duration debounce, boolean allowRemovingAllRoutes, Clock clock) {

        /** 100 ms debounce, removing all routes refused, the system clock. */
        public static final Settings DEFAULTS = new Settings(FileConfigSource.DEFAULT_DEBOUNCE, false, Clock.systemUTC());

        public Settings {
            Objects.requireNonNull(debounce, "debounce");
            if (debounce.isNegative()) {
                throw new IllegalArgumentException("debounce: " + debounce + " (expected: 0 or more)");
            }
            Objects.requireNonNull(clock, "clock");
        }

        /** These settings with {@code allowRemovingAllRoutes} (the "force" option). */
        public Settings withAllowRemovingAllRoutes(boolean allow) {
            return new Settings(debounce, allow, clock);
        }

        public Settings withDebounce(Duration debounce) {
            return new Settings(debounce, allowRemovingAllRoutes, clock);
        }

        public Settings withClock(Clock clock) {
            return new Settings(debounce, allowRemovingAllRoutes, clock);
        }
    }

    private RuleRepository(Path directory, Settings settings) {
        this.directory = directory.toAbsolutePath().normalize();
        this.settings = Objects.requireNonNull(settings, "settings");
        this.reader = new RuleSetReader(this.directory);
        reconcile(); // the first version, or the first refusal, before anyone asks
        // The file source does the watching (watch service plus polling, debounce, only emitting when the
        // bytes changed); its results only trigger a read here, which reads, hashes and validates once.
        this.watch = FileConfigSource.watch(List.of(this.directory), settings.debounce());
        this.watching = watch.updates().subscribe(ignored -> reconcile(),
                error -> LOG.log(System.Logger.Level.ERROR, "watching " + this.directory + " failed; version "
                        + Optional.ofNullable(current).map(PublishedRules::describe).orElse("none") + " stays published", error));
    }

    /** Serves {@code directory} with {@link Settings#DEFAULTS}; reads it before returning (blocking). */
    public static RuleRepository open(Path directory) {
        return open(directory, Settings.DEFAULTS);
    }

    /** Serves {@code directory}; reads it before returning (blocking), so a valid directory is published at once. */
    public static RuleRepository open(Path directory, Settings settings) {
        return new RuleRepository(Objects.requireNonNull(directory, "directory"), settings);
    }

    /** The absolute, normalized directory served. */
    public Path directory() {
        return directory;
    }

    /** The published version, or empty while none was valid yet. */
    public Optional<PublishedRules> current() {
        return Optional.ofNullable(current);
    }

    /**
     * The published versions: the current one at once (when there is one), then each later one, in
     * version order, until {@link #close()}, which completes the flux. Hot and shared. The current
     * version is replayed on the subscribing thread; later ones arrive on the thread that read the
     * directory (a {@code boundedElastic} thread, never an event loop), which reads nothing more until
     * the subscribers return: a subscriber with slow work should {@code publishOn} its own scheduler,
     * and one that only needs the newest version should add {@code onBackpressureLatest()}.
     */
    public Flux<PublishedRules> versions() {
        return published.asFlux();
    }

    /** The most recent refused change, or empty when none was refused since {@link #open}. */
    public Optional<Refusal> lastRefusal() {
        return Optional.ofNullable(lastRefusal);
    }

    /** Stops watching; {@link #versions()} completes. The published version stays readable. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            published.tryEmitComplete();
        }
        watching.dispose();
        watch.close();
    }

    /** Reads the directory and publishes or refuses what it holds. One at a time. */
    private void reconcile() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            RuleSetReader.RuleSet read;
            try {
                read = reader.read();
            } catch (RuntimeException | StackOverflowError e) {
                LOG.log(System.Logger.Level.ERROR, "reading " + directory + " failed; the published version stays", e);
                return;
            }
            if (!read.stable()) {
                // Files changed while they were read: the watch sees that change and calls again.
                LOG.log(System.Logger.Level.DEBUG, () -> "files in " + directory + " changed while being read; waiting for the next change");
                return;
            }
            PublishedRules previous = current;
            if (previous != null && previous.hash().equals(read.hash())) {
                refusedOnDisk = null; // back to the published content: the same bad edit again is a new refusal
                return;
            }
            if (read.hash().equals(refusedOnDisk)) {
                return;
            }
            MeshConfig.LoadResult result = read.result();
            if (!result.isValid()) {
                refuse(new Refusal(Refusal.Reason.INVALID, settings.clock().instant(), read.hash(), result.diagnostics(),
                        keptVersion()));
                return;
            }
            long before = previous == null ? 0 : routesAndDestinations(previous.config()).size();
            if (before > 0 && routesAndDestinations(result.config()).isEmpty() && !settings.allowRemovingAllRoutes()) {
                String removed = routesAndDestinations(previous.config()).stream().map(Resource::key).limit(5)
                        .collect(Collectors.joining(", ")) + (before > 5 ? " and " + (before - 5) + " more" : "");
                Diagnostic why = new Diagnostic(Severity.ERROR, SourceLocation.of(directory.toString()), null, null,
                        "the change leaves no VirtualService, DestinationRule or ServiceEntry; version " + previous.version()
                                + " has " + before + " (" + removed + ") (expected: at least one, or the repository's"
                                + " allowRemovingAllRoutes option to publish an empty mesh)");
                refuse(new Refusal(Refusal.Reason.REMOVES_ALL_ROUTES, settings.clock().instant(), read.hash(), List.of(why),
                        keptVersion()));
                return;
            }
            refusedOnDisk = null;
            PublishedRules next = new PublishedRules(++lastVersion, read.hash(), settings.clock().instant(), read.documents(),
                    result.config());
            current = next;
            Sinks.EmitResult emitted = published.tryEmitNext(next);
            if (emitted.isFailure()) {
                LOG.log(System.Logger.Level.WARNING, () -> "could not signal " + next.describe() + ": " + emitted);
            }
            LOG.log(System.Logger.Level.INFO, () -> "published " + next.describe() + " from " + directory + ": "
                    + next.documents().size() + " documents, " + result.warningCount() + " warnings");
        }
    }

    private void refuse(Refusal refusal) {
        refusedOnDisk = refusal.hash();
        lastRefusal = refusal;
        LOG.log(System.Logger.Level.WARNING, () -> "refused the rules in " + directory + " (" + refusal.reason() + ", "
                + refusal.errorCount() + " errors); "
                + (refusal.keptVersion() == 0 ? "no version is published yet" : "version " + refusal.keptVersion() + " stays published")
                + refusal.diagnostics().stream().map(d -> "\n  " + d.format()).collect(Collectors.joining()));
    }

    private long keptVersion() {
        PublishedRules kept = current;
        return kept == null ? 0 : kept.version();
    }

    private static List<Resource<?>> routesAndDestinations(MeshConfig config) {
        return config.resources().stream().filter(r -> ROUTES_AND_DESTINATIONS.contains(r.kind())).toList();
    }
}
