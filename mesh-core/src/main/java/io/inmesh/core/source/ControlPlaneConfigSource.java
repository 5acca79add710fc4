package io.inmesh.core.source;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.config.Severity;
import io.inmesh.core.config.SourceDocument;
import io.inmesh.core.config.SourceLocation;
import io.inmesh.core.internal.controlplane.Backoff;
import io.inmesh.core.internal.controlplane.ProtocolJson;
import io.inmesh.core.internal.controlplane.SseParser;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;

/**
 * Rules streamed from the control plane ({@code mesh control-plane}, or any server that speaks
 * {@code docs/control-plane-protocol.md}, version 1), with what the mesh did with each version
 * reported back.
 *
 * <p><b>The stream.</b> The source opens {@code GET /v1/rules} for its workload (namespace, name,
 * labels, instance) and reads the server-sent events as they arrive. Each {@code rules} event is a
 * version of the rules that concern the workload; the source reads and validates its documents again
 * as {@link MeshConfig#load(String, String)} would (diagnostics name the file, line and column on the
 * control plane) and emits the {@link MeshConfig.LoadResult}, valid or not. {@code unchanged} events
 * (the rules in force are current) and unknown events are not emitted.
 *
 * <p><b>Reports.</b> The mesh tells the source what it did with each emission
 * ({@link #outcome}); the source posts it to {@code /v1/reports} as an ACK or a NACK with at most
 * 100 diagnostics, in the background, retried a few times when the control plane is unreachable; a
 * report never delays the rules.
 *
 * <p><b>Reconnecting.</b> When the stream ends, fails, or stays silent (no event and no heartbeat)
 * for {@linkplain Options#deadStreamAfter(Duration) 45 s}, the source reconnects to the next URL of
 * its list after a random delay in {@code [0, min(30 s, base × 2^(n-1))]} ({@code base}: the
 * server's {@code retry}, 1 s unless told; {@code n}: failures since the last event), sending the id
 * of the last version the mesh applied as {@code Last-Event-ID}. A {@code 400} or {@code 401} waits
 * between 15 and 30 s, and its body is logged. While reconnecting the mesh keeps its rules.
 *
 * <p><b>The flux.</b> {@link #updates()} is hot and shared: a subscriber sees the latest result at
 * once, then each later one; it completes on {@link #close()} and never fails. Results are delivered
 * on {@link Schedulers#boundedElastic()}, never on an event loop; JSON reading and validation happen
 * there too.
 *
 * <p>Thread-safe.
 */
public final class ControlPlaneConfigSource implements ConfigSource {

    private static final System.Logger LOG = System.getLogger(ControlPlaneConfigSource.class.getName());
    /** The largest event the source reads (a whole rule set in one line of JSON). */
    private static final int MAX_EVENT_BYTES = 64 * 1024 * 1024;
    /** Versions emitted and not yet reported, beyond which the oldest are forgotten. */
    private static final int MAX_PENDING = 16;
    /**
     * Connections for reports, shared by the sources of a JVM: a report is one small POST per version,
     * and a fresh connection for each would cost a handshake each time (1000 per rollout for a JVM
     * that hosts 1000 workloads, as the scale benchmark does). Waiting reports queue without bound;
     * each source keeps at most {@link #MAX_PENDING} of them.
     */
    private static final reactor.netty.resources.ConnectionProvider REPORT_CONNECTIONS =
            reactor.netty.resources.ConnectionProvider.builder("inmesh-control-plane-reports")
                    .maxConnections(16)
                    .pendingAcquireMaxCount(-1)
                    .maxIdleTime(Duration.ofSeconds(30))
                    .build();
    private static final int REPORT_RETRIES = 3;

    /**
     * How the source connects. Immutable; start from {@link #defaults()}.
     */
    public static final class Options {
        private final String instance;
        private final String bearerToken;
        private final Duration deadStreamAfter;
        private final Duration maxBackoff;
        private final Duration reportRetryDelay;
        private final RandomGenerator random;

        private Options(String instance, String bearerToken, Duration deadStreamAfter, Duration maxBackoff,
                Duration reportRetryDelay, RandomGenerator random) {
            this.instance = instance;
            this.bearerToken = bearerToken;
            this.deadStreamAfter = deadStreamAfter;
            this.maxBackoff = maxBackoff;
            this.reportRetryDelay = reportRetryDelay;
            this.random = random;
        }

        /** No token, the workload's name as instance, a stream dead after 45 s of silence. */
        public static Options defaults() {
            return new Options(null, null, Duration.ofSeconds(45), Duration.ofSeconds(30), Duration.ofMillis(500), null);
        }

        /** Which replica of the workload this is (pod name, host:pid); the workload's name when not set. */
        public Options instance(String instance) {
            return new Options(requireText("instance", instance), bearerToken, deadStreamAfter, maxBackoff, reportRetryDelay, random);
        }

        /** The bearer token every request carries, when the control plane requires one. */
        public Options bearerToken(String token) {
            return new Options(instance, requireText("bearerToken", token), deadStreamAfter, maxBackoff, reportRetryDelay, random);
        }

        /**
         * How long a stream may stay silent (no event, no heartbeat comment) before it is closed and
         * opened again; 45 s (three heartbeats) unless told. Also bounds connecting.
         */
        public Options deadStreamAfter(Duration silence) {
            return new Options(instance, bearerToken, requirePositive("deadStreamAfter", silence), maxBackoff, reportRetryDelay, random);
        }

        /**
         * The cap of reconnect delays: 30 s, the protocol's, unless told. A lower cap resyncs sooner
         * after an outage at the price of more attempts against a control plane that is down.
         */
        public Options maxBackoff(Duration cap) {
            return new Options(instance, bearerToken, deadStreamAfter, requirePositive("maxBackoff", cap), reportRetryDelay, random);
        }

        /** The first delay between report attempts; for tests. */
        Options reportRetryDelay(Duration delay) {
            return new Options(instance, bearerToken, deadStreamAfter, maxBackoff, requirePositive("reportRetryDelay", delay), random);
        }

        /** The random numbers of the jitter; for tests, which seed them. */
        Options random(RandomGenerator random) {
            return new Options(instance, bearerToken, deadStreamAfter, maxBackoff, reportRetryDelay, Objects.requireNonNull(random, "random"));
        }

        private static String requireText(String name, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + ": " + (value == null ? "null" : "\"" + value + "\"") + " (expected: a non-blank string)");
            }
            return value;
        }

        private static Duration requirePositive(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + ": " + value.toMillis() + "ms (expected: more than 0ms)");
            }
            return value;
        }
    }

    /** One connection attempt, for tests and logs: where, after which delay, and why that delay. */
    record Attempt(URI url, long delayMillis, String reason) {
    }

    /** What the source remembers of an emitted version until the mesh says what it did with it. */
    private record Version(long version, String hash, String eventId, URI url) {
    }

    private record Pending(MeshConfig.LoadResult result, Version version) {
    }

    /** A 400 or 401: retrying soon does not help. */
    private static final class RejectedException extends RuntimeException {
        RejectedException(String message) {
            super(message, null, false, false);
        }
    }

    private final List<URI> urls;
    private final LocalWorkload workload;
    private final String instance;
    private final Options options;
    private final HttpClient http;
    private final HttpClient reportHttp;
    private final Backoff backoff;
    private final Sinks.Many<MeshConfig.LoadResult> sink = Sinks.many().replay().latest();
    private final Flux<MeshConfig.LoadResult> updates;
    private final Disposable.Swap connection = Disposables.swap();
    private final Disposable.Composite reports = Disposables.composite();
    /** Emitted and not reported yet, oldest first; looked up by identity, since two results may be equal. */
    private final Deque<Pending> pending = new ArrayDeque<>();
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private volatile boolean closed;
    private volatile String lastAppliedId;
    /** The last version the mesh applied, delivered again when the control plane says it is current. */
    private MeshConfig.LoadResult lastApplied;
    /** While a stream is open and has said which version is current: {@code null}; else when the last such stream ended. */
    private volatile Instant currentUntil = Instant.EPOCH;
    private volatile boolean inSync;
    /** Failed or dead streams since the last event, for how loudly to log the next one. */
    private final java.util.concurrent.atomic.AtomicInteger failedAttempts = new java.util.concurrent.atomic.AtomicInteger();

    // Owned by the reconnect loop, which runs one attempt at a time.
    private int urlIndex;

    private ControlPlaneConfigSource(List<URI> urls, LocalWorkload workload, Options options) {
        this.urls = urls;
        this.workload = workload;
        this.instance = options.instance != null ? options.instance : workload.name();
        this.options = options;
        this.backoff = new Backoff(options.maxBackoff.toMillis(), options.random != null ? options.random : RandomGenerator.of("L64X128MixRandom"));
        java.util.function.Consumer<io.netty.handler.codec.http.HttpHeaders> authorization = headers -> {
            if (options.bearerToken != null) {
                headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + options.bearerToken);
            }
        };
        // The stream holds its own connection for as long as it lives; reports reuse kept-alive ones.
        this.http = HttpClient.newConnection().headers(authorization);
        this.reportHttp = HttpClient.create(REPORT_CONNECTIONS).headers(authorization);
        this.updates = sink.asFlux().publishOn(Schedulers.boundedElastic(), 1);
    }

    /** Connects with {@link Options#defaults()}; see {@link #connect(List, LocalWorkload, Options)}. */
    public static ControlPlaneConfigSource connect(List<URI> urls, LocalWorkload workload) {
        return connect(urls, workload, Options.defaults());
    }

    /**
     * Starts streaming the rules of {@code workload} from the first of {@code urls}; returns at once.
     *
     * @param urls the control plane's base URLs ({@code http://control-plane:15010}), tried in turn
     *     on each reconnect; at least one
     * @param workload whose rules: its namespace, name and labels select them
     * @param options token, instance and timeouts
     * @throws IllegalArgumentException when {@code urls} is empty or a URL is not absolute http(s)
     */
    public static ControlPlaneConfigSource connect(List<URI> urls, LocalWorkload workload, Options options) {
        Objects.requireNonNull(urls, "urls");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(options, "options");
        List<URI> copy = List.copyOf(urls);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("urls: [] (expected at least one control-plane URL)");
        }
        for (URI url : copy) {
            if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null
                    || url.getRawQuery() != null || url.getRawFragment() != null) {
                throw new IllegalArgumentException("urls: " + url + " (expected: http://host:port or https://host:port, with an optional path)");
            }
        }
        ControlPlaneConfigSource source = new ControlPlaneConfigSource(copy, workload, options);
        source.connectAfter(0, "start");
        return source;
    }

    @Override
    public Flux<MeshConfig.LoadResult> updates() {
        return updates;
    }

    /** {@code control plane [http://a:15010, http://b:15010]}. */
    @Override
    public String describe() {
        return "control plane " + urls.stream().map(URI::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Reports an emitted version as ACK ({@code applied}) or NACK to the control plane it came from, in the background. */
    @Override
    public void outcome(MeshConfig.LoadResult result, boolean applied, List<Diagnostic> diagnostics) {
        try {
            Version version;
            synchronized (lock) {
                version = takePending(result);
            }
            if (version == null || closed) {
                return; // not emitted by this source, or already reported
            }
            if (applied) {
                synchronized (lock) {
                    lastApplied = result;
                }
                lastAppliedId = version.eventId();
            }
            String body = ProtocolJson.report(workload.namespace(), workload.name(), instance, version.version(), version.hash(),
                    applied, diagnostics);
            // Each report leaves the composite when done, so that a long-lived source does not accumulate them.
            Disposable.Swap report = Disposables.swap();
            reports.add(report);
            report.update(postReport(version, body).doFinally(signal -> reports.remove(report)).subscribe());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not report to " + describe(), e);
        }
    }

    /** Stops streaming, cancels reports in flight, completes {@link #updates()}; idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            sink.tryEmitComplete();
        }
        connection.dispose();
        reports.dispose();
    }

    @Override
    public String toString() {
        return "ControlPlaneConfigSource" + describe().substring("control plane".length());
    }

    /** Every connection attempt so far, in order; for tests. */
    List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** The id of the last version the mesh applied, sent as {@code Last-Event-ID}; {@code null} before the first. */
    String lastAppliedId() {
        return lastAppliedId;
    }

    // --- the reconnect loop

    private void connectAfter(long delayMillis, String reason) {
        if (closed) {
            return;
        }
        URI url = urls.get(urlIndex);
        attempts.add(new Attempt(url, delayMillis, reason));
        // Last-Event-ID is read when the request is made: the mesh may apply a version during the delay.
        Mono<Void> attempt = Mono.delay(Duration.ofMillis(delayMillis), Schedulers.parallel())
                .then(Mono.defer(() -> stream(url, lastAppliedId)));
        connection.update(attempt.subscribe(null, this::streamFailed, this::streamEnded));
    }

    private void streamEnded() {
        lostSync();
        LOG.log(System.Logger.Level.INFO, () -> "the rules stream of " + urls.get(urlIndex) + " ended; reconnecting");
        reconnect(backoffDelay(), "stream ended");
    }

    /**
     * An outage is logged as a warning when it starts and every tenth failed attempt after, the
     * others at DEBUG: a mesh that waits for its control plane must not flood the log.
     */
    private System.Logger.Level failureLevel() {
        int failures = failedAttempts.incrementAndGet();
        return failures == 1 || failures % 10 == 0 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG;
    }

    private String failuresSoFar() {
        int failures = failedAttempts.get();
        return failures <= 1 ? "" : " (" + failures + " failed attempts in a row; the mesh keeps its rules)";
    }

    private void streamFailed(Throwable error) {
        lostSync();
        URI url = urls.get(urlIndex);
        if (error instanceof RejectedException) {
            LOG.log(System.Logger.Level.WARNING, () -> "the control plane " + url + " refused the rules stream: " + error.getMessage());
            long delay;
            synchronized (lock) {
                delay = backoff.afterRejection();
            }
            reconnect(delay, error.getMessage());
        } else if (error instanceof TimeoutException) {
            LOG.log(failureLevel(), () -> "no event or heartbeat from " + url + " for "
                    + options.deadStreamAfter.toMillis() + " ms; reconnecting" + failuresSoFar());
            reconnect(backoffDelay(), "dead stream");
        } else {
            LOG.log(failureLevel(), () -> "the rules stream of " + url + " failed: " + error + "; reconnecting" + failuresSoFar());
            reconnect(backoffDelay(), "failed: " + error);
        }
    }

    private long backoffDelay() {
        synchronized (lock) {
            return backoff.next();
        }
    }

    private void reconnect(long delayMillis, String reason) {
        urlIndex = (urlIndex + 1) % urls.size(); // fail over on every reconnect
        connectAfter(delayMillis, reason);
    }

    /** One stream: completes when the server ends it, fails on an error status, a broken connection or silence. */
    private Mono<Void> stream(URI url, String lastEventId) {
        return http
                .headers(headers -> {
                    headers.set(HttpHeaderNames.ACCEPT, "text/event-stream");
                    if (lastEventId != null) {
                        headers.set("Last-Event-ID", lastEventId);
                    }
                })
                .get()
                .uri(rulesUri(url))
                .response((response, body) -> {
                    int status = response.status().code();
                    if (status == 200) {
                        String type = response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE, "");
                        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream")) {
                            return Flux.error(new IllegalStateException("200 with Content-Type \"" + type + "\" (expected: text/event-stream)"));
                        }
                        SseParser parser = new SseParser(MAX_EVENT_BYTES);
                        // Parsing is cheap and done where the bytes arrive; what it finds is handled off the event loop.
                        return body.asByteArray().concatMapIterable(parser::feed);
                    }
                    return body.aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                            .flatMapMany(text -> {
                                String message = status + " " + response.status().reasonPhrase() + ": " + abbreviate(text);
                                return Flux.<SseParser.Item>error(status == 400 || status == 401
                                        ? new RejectedException(message) : new IllegalStateException(message));
                            });
                })
                .timeout(options.deadStreamAfter, Schedulers.parallel())
                .publishOn(Schedulers.boundedElastic())
                .doOnNext(item -> onItem(item, url))
                .then();
    }

    private String rulesUri(URI base) {
        StringBuilder uri = new StringBuilder(base.toString());
        while (uri.length() > 0 && uri.charAt(uri.length() - 1) == '/') {
            uri.setLength(uri.length() - 1);
        }
        uri.append("/v1/rules?namespace=").append(encode(workload.namespace())).append("&name=").append(encode(workload.name()));
        if (!workload.labels().isEmpty()) {
            String labels = new TreeMap<>(workload.labels()).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            uri.append("&labels=").append(encode(labels));
        }
        return uri.append("&instance=").append(encode(instance)).toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String text) {
        String oneLine = text.strip();
        return oneLine.length() <= 1000 ? oneLine : oneLine.substring(0, 1000) + "…";
    }

    // --- events (on boundedElastic)

    private void onItem(SseParser.Item item, URI url) {
        if (item instanceof SseParser.Retry retry) {
            synchronized (lock) {
                backoff.base(retry.millis());
            }
        } else if (item instanceof SseParser.Event event) {
            synchronized (lock) {
                backoff.reset();
            }
            if (failedAttempts.getAndSet(0) > 1) {
                LOG.log(System.Logger.Level.INFO, () -> "the rules stream of " + url + " is back");
            }
            switch (event.type()) {
                case "rules" -> onRules(event, url);
                case "unchanged" -> onUnchanged(event, url);
                default -> LOG.log(System.Logger.Level.DEBUG, () -> "ignored event \"" + event.type() + "\" from " + url);
            }
        }
        // A comment (heartbeat) has done its work: it reset the silence timeout.
    }

    /**
     * The control plane says the version the mesh applied last is current: deliver it again, so that
     * the mesh counts its rules as current and reports an ACK (a restarted control plane has no record
     * of this workload).
     */
    private void onUnchanged(SseParser.Event event, URI url) {
        LOG.log(System.Logger.Level.DEBUG, () -> "the rules in force (" + event.id() + ") are current");
        MeshConfig.LoadResult again;
        synchronized (lock) {
            again = event.id().equals(lastAppliedId) ? lastApplied : null;
        }
        Version version = versionFromId(event.id(), url);
        if (again != null && version != null) {
            inSync = true;
            emit(again, version);
        }
    }

    private void onRules(SseParser.Event event, URI url) {
        String source = url + " event " + (event.id().isEmpty() ? "(no id)" : event.id());
        MeshConfig.LoadResult result;
        Version version;
        try {
            ProtocolJson.Rules rules = ProtocolJson.readRules(event.data());
            result = validate(rules.documents());
            version = new Version(rules.version(), rules.hash(), event.id(), url);
            LOG.log(System.Logger.Level.INFO, () -> "received rules version " + rules.version() + " (" + rules.documents().size()
                    + " documents) from " + url);
        } catch (ProtocolJson.MalformedException e) {
            result = new MeshConfig.LoadResult(null, 0, List.of(new Diagnostic(Severity.ERROR, SourceLocation.of(source), null, null,
                    "malformed rules event: " + e.getMessage())));
            version = versionFromId(event.id(), url); // still NACKed when the id says which version it was
        } catch (RuntimeException | StackOverflowError e) {
            LOG.log(System.Logger.Level.ERROR, "reading " + source + " failed", e);
            result = new MeshConfig.LoadResult(null, 0, List.of(new Diagnostic(Severity.ERROR, SourceLocation.of(source), null, null,
                    "internal error while reading the rules: " + e)));
            version = versionFromId(event.id(), url);
        }
        if (version != null) {
            result = result.withVersion(version.eventId());
        }
        inSync = true;
        emit(result, version);
    }

    private void lostSync() {
        if (inSync) {
            inSync = false;
            currentUntil = Instant.now();
        }
    }

    /**
     * Now while a stream is open and has delivered or confirmed the current version (the control
     * plane pushes every later one at once); otherwise when the last such stream ended.
     */
    @Override
    public Optional<Instant> currentAsOf() {
        Instant until = currentUntil;
        return inSync ? Optional.of(Instant.now()) : until.equals(Instant.EPOCH) ? Optional.empty() : Optional.of(until);
    }

    /**
     * Reads each document as the protocol says (§2): with {@code firstLine - 1} line breaks before it,
     * so that diagnostics carry the line in the file on the control plane; then validates them together.
     * The result keeps the texts, so that the mesh can keep the rules on disk and recognise a version
     * delivered again.
     */
    static MeshConfig.LoadResult validate(List<ProtocolJson.Document> documents) {
        List<SourceDocument> texts = new ArrayList<>(documents.size());
        for (ProtocolJson.Document document : documents) {
            texts.add(new SourceDocument(document.origin(), "\n".repeat(document.firstLine() - 1) + document.yaml()));
        }
        return MeshConfig.loadDocuments(texts);
    }

    private static Version versionFromId(String id, URI url) {
        int colon = id.indexOf(':');
        if (colon > 0 && id.substring(colon + 1).matches("[0-9a-f]{64}")) {
            try {
                return new Version(Long.parseLong(id.substring(0, colon)), id.substring(colon + 1), id, url);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private void emit(MeshConfig.LoadResult result, Version version) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (version != null) {
                pending.addLast(new Pending(result, version));
                if (pending.size() > MAX_PENDING) {
                    pending.removeFirst(); // nobody reports (no mesh subscribed): forget the oldest rather than grow
                }
            }
            Sinks.EmitResult emitted = sink.tryEmitNext(result);
            if (emitted.isFailure()) {
                LOG.log(System.Logger.Level.WARNING, () -> "could not publish new rules from " + describe() + ": " + emitted);
            }
        }
    }

    // --- reports

    private Version takePending(MeshConfig.LoadResult result) {
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending entry = it.next();
            if (entry.result() == result) {
                it.remove();
                return entry.version();
            }
        }
        return null;
    }

    private Mono<Void> postReport(Version version, String body) {
        String uri = version.url().toString().replaceAll("/+$", "") + "/v1/reports";
        return reportHttp
                .headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
                .post()
                .uri(uri)
                .send(ByteBufMono.fromString(Mono.just(body)))
                .responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8).defaultIfEmpty("").flatMap(text -> {
                    int status = response.status().code();
                    if (status / 100 == 2) {
                        return Mono.<Void>empty();
                    }
                    String message = "report of version " + version.version() + " to " + uri + ": " + status + " " + abbreviate(text);
                    return Mono.<Void>error(status >= 500 ? new IllegalStateException(message) : new RejectedException(message));
                }))
                .timeout(Duration.ofSeconds(10))
                .retryWhen(Retry.backoff(REPORT_RETRIES, options.reportRetryDelay).filter(e -> !(e instanceof RejectedException)))
                .doOnError(e -> LOG.log(System.Logger.Level.WARNING, () -> "could not report version " + version.version() + " to "
                        + uri + ": " + (e instanceof RejectedException ? e.getMessage() : e.toString())))
                .onErrorResume(e -> Mono.empty());
    }
}
