package io.inmesh.controlplane.internal;

import io.inmesh.controlplane.PublishedRules;
import io.inmesh.controlplane.RuleRepository;
import io.inmesh.controlplane.ScopedRules;
import io.inmesh.controlplane.WorkloadScope;
import io.inmesh.core.LocalWorkload;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The control plane's HTTP endpoints (protocol §2, §5, §6): the rules stream, reports and status.
 * Handlers run on event loops and never block: the repository is only read ({@code current()},
 * {@code versions()}), scoping and rendering of a version happen on the {@code parallel} scheduler.
 */
public final class HttpApi {

    /** The largest report body accepted. */
    public static final int MAX_REPORT_BYTES = 1 << 20;
    /** The base reconnect delay sent to every stream. */
    static final String RETRY = "retry: 1000\n\n";

    private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());

    private final RuleRepository repository;
    private final Workloads workloads;
    private final Clock clock;
    private final Duration heartbeat;
    /** {@code Bearer <token>} as bytes, or {@code null} when no token is required. */
    private final byte[] expectedAuthorization;
    /** Ends every open stream (their heartbeats would otherwise keep them open). */
    private final Sinks.Empty<Void> closed = Sinks.empty();

    public HttpApi(RuleRepository repository, Clock clock, Duration heartbeat, String token) {
        Json.warmUp(); // here, on the thread that starts the server, not on the first event loop that reads a report
        this.repository = repository;
        this.clock = clock;
        this.heartbeat = heartbeat;
        this.workloads = new Workloads(clock);
        this.expectedAuthorization = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    /** Ends the open streams (each response completes); new ones end at once. */
    public void close() {
        closed.tryEmitEmpty();
    }

    /** Adds the endpoints to {@code routes}. */
    public void addTo(HttpServerRoutes routes) {
        routes.get("/v1/rules", authorized(this::rules))
                .post("/v1/reports", authorized(this::report))
                .get("/status", authorized(this::status));
    }

    private BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> authorized(
            BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
        return (request, response) -> {
            if (expectedAuthorization != null) {
                String given = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
                byte[] givenBytes = given == null ? new byte[0] : given.getBytes(StandardCharsets.UTF_8);
                // MessageDigest.isEqual takes the same time whatever the content of the given bytes.
                if (!MessageDigest.isEqual(expectedAuthorization, givenBytes)) {
                    response.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
                    return json(response, HttpResponseStatus.UNAUTHORIZED, Json.error(given == null
                            ? "missing Authorization header (expected: Authorization: Bearer <token>)"
                            : "wrong token in the Authorization header (expected: Authorization: Bearer <token>)"));
                }
            }
            try {
                return handler.apply(request, response);
            } catch (BadRequest e) {
                return json(response, HttpResponseStatus.valueOf(e.status()), Json.error(e.getMessage()));
            }
        };
    }

    /** {@code GET /v1/rules}: the server-sent events of §2. */
    private Publisher<Void> rules(HttpServerRequest request, HttpServerResponse response) {
        Map.Entry<LocalWorkload, WorkloadId> who = Parameters.workload(new QueryStringDecoder(request.uri()).parameters());
        LocalWorkload workload = who.getKey();
        WorkloadId id = who.getValue();
        String lastEventId = request.requestHeaders().get("Last-Event-ID");
        AtomicBoolean first = new AtomicBoolean(true);

        Flux<Outgoing> events = newestThenHeartbeats(repository.versions(),
                rules -> Mono.fromCallable(() -> render(rules, workload, first.getAndSet(false) ? lastEventId : null))
                        .subscribeOn(Schedulers.parallel()),
                this::heartbeats);

        response.status(HttpResponseStatus.OK)
                .header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .header("X-Accel-Buffering", "no");
        return Mono.defer(() -> {
                    workloads.connected(id, workload.labels());
                    Flux<ByteBuf> writes = Flux.concat(Mono.just(new Outgoing(RETRY, 0, null)), events)
                            .takeUntilOther(closed.asMono())
                            .map(event -> {
                                workloads.written(id, event.version(), event.hash());
                                return ByteBufUtil.writeUtf8(response.alloc(), event.text());
                            });
                    // Flushed event by event: a workload must not wait for a buffer to fill.
                    return response.send(writes, buffer -> true).then();
                })
                .doFinally(signal -> workloads.disconnected(id));
    }

    /**
     * Each version rendered, each followed by heartbeats until the next. A slow workload gets the newest
     * version and nothing piles up: switchMap (which does not prefetch) asks for a rendered version only
     * when there is demand downstream (room in the connection's bounded send queue), and a newer version
     * cancels one not yet taken. Heartbeats also run before the first version, while none is published.
     */
    static <T> Flux<T> newestThenHeartbeats(Flux<PublishedRules> versions, Function<PublishedRules, Mono<T>> render,
                                            Supplier<Flux<T>> heartbeats) {
        return versions.map(Optional::of).startWith(Optional.empty())
                .switchMap(version -> version.map(render).map(Mono::flux).orElse(Flux.empty()).concatWith(heartbeats.get()));
    }

    private Flux<Outgoing> heartbeats() {
        // Dropped when the previous write has not finished: a heartbeat only matters when nothing was written.
        return Flux.interval(heartbeat, heartbeat, Schedulers.parallel())
                .onBackpressureDrop()
                .map(tick -> new Outgoing(": heartbeat " + clock.millis() + "\n\n", 0, null));
    }

    private Outgoing render(PublishedRules rules, LocalWorkload workload, String lastEventId) {
        String id = rules.version() + ":" + rules.hash();
        if (id.equals(lastEventId)) {
            return new Outgoing("id: " + id + "\nevent: unchanged\ndata: " + Json.unchanged(rules.version(), rules.hash()) + "\n\n",
                    rules.version(), rules.hash());
        }
        ScopedRules scoped = WorkloadScope.select(rules, workload);
        return new Outgoing("id: " + id + "\nevent: rules\ndata: " + Json.rules(scoped) + "\n\n",
                rules.version(), rules.hash());
    }

    /** One write to a stream: an event (of {@code version}, when positive) or a comment. */
    private record Outgoing(String text, long version, String hash) {
    }

    /** {@code POST /v1/reports}: records an ACK or NACK (§5). */
    private Publisher<Void> report(HttpServerRequest request, HttpServerResponse response) {
        String length = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (length != null && length.length() < 19 && length.chars().allMatch(Character::isDigit)
                && Long.parseLong(length) > MAX_REPORT_BYTES) {
            throw tooLarge();
        }
        return request.receive().asByteArray()
                .reduceWith(ByteArrayOutputStream::new, (body, chunk) -> {
                    if (body.size() + chunk.length > MAX_REPORT_BYTES) {
                        throw tooLarge();
                    }
                    body.write(chunk, 0, chunk.length);
                    return body;
                })
                .map(body -> Report.parse(Json.read(body.toByteArray())))
                .flatMap(report -> {
                    workloads.report(report);
                    if (report.nack()) {
                        // Logging writes to a stream: not on the event loop.
                        Schedulers.boundedElastic().schedule(() -> LOG.log(System.Logger.Level.WARNING, () -> report.workload()
                                + " refused (NACK) v" + report.version() + ": " + report.reason()));
                    }
                    return response.status(HttpResponseStatus.NO_CONTENT).send().then();
                })
                .onErrorResume(BadRequest.class, e -> json(response, HttpResponseStatus.valueOf(e.status()), Json.error(e.getMessage())));
    }

    private static BadRequest tooLarge() {
        return new BadRequest(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code(),
                "report: over " + MAX_REPORT_BYTES + " bytes (expected: at most 1 MiB)");
    }

    /** {@code GET /status} (§5). */
    private Publisher<Void> status(HttpServerRequest request, HttpServerResponse response) {
        return json(response, HttpResponseStatus.OK, Json.status(repository.current(), repository.lastRefusal(), workloads.views()));
    }

    private static Mono<Void> json(HttpServerResponse response, HttpResponseStatus status, String body) {
        return response.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .sendString(Mono.just(body + "\n"), StandardCharsets.UTF_8)
                .then();
    }
}
