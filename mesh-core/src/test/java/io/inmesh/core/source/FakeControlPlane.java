package io.inmesh.core.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A small control plane for tests, over a real socket on 127.0.0.1: it serves {@code /v1/rules} as
 * the protocol says (retry, then the current version or {@code unchanged}, then each published
 * version) and records every stream request and every report. Tests can require a token, answer
 * with an error status, keep streams silent, send heartbeats, send raw text, and drop every stream.
 */
final class FakeControlPlane implements AutoCloseable {

    /** A document of a version, as the protocol's {@code documents} entries. */
    record Document(String origin, int firstLine, String resource, String yaml) {
    }

    /** A stream request as received. */
    record StreamRequest(String query, String lastEventId, String accept, String authorization) {
    }

    /** A report as received: the raw JSON. */
    record Report(String json) {
        boolean is(String status, long version) {
            return json.contains("\"status\":\"" + status + "\"") && json.contains("\"version\":" + version + ",");
        }
    }

    /** An open stream: what to send, and the signal that ends it (heartbeats included). */
    private record Stream(Sinks.Many<String> sink, Sinks.One<Boolean> ended) {
        void send(String text) {
            sink.emitNext(text, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
        }

        void end() {
            ended.tryEmitValue(true);
        }
    }

    private final DisposableServer server;
    private final List<StreamRequest> streams = new CopyOnWriteArrayList<>();
    private final List<Report> reports = new CopyOnWriteArrayList<>();
    private final List<Stream> open = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger reportAttempts = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int failingReports;
    private volatile String token;
    private volatile int status = 200;
    private volatile String errorBody = "";
    private volatile boolean silent;
    private volatile Duration heartbeats;
    private volatile long version;
    private volatile String id;
    private volatile String data;

    FakeControlPlane() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes
                        .get("/v1/rules", (request, response) -> {
                            String authorization = request.requestHeaders().get("Authorization");
                            streams.add(new StreamRequest(request.uri().substring(request.uri().indexOf('?') + 1),
                                    request.requestHeaders().get("Last-Event-ID"), request.requestHeaders().get("Accept"), authorization));
                            if (token != null && !("Bearer " + token).equals(authorization)) {
                                return response.status(HttpResponseStatus.UNAUTHORIZED).header("WWW-Authenticate", "Bearer")
                                        .sendString(Mono.just("{\"error\":\"a bearer token is required\"}"));
                            }
                            if (status != 200) {
                                return response.status(status).header("Content-Type", "application/json").sendString(Mono.just(errorBody));
                            }
                            Stream stream = new Stream(Sinks.many().unicast().onBackpressureBuffer(), Sinks.one());
                            synchronized (this) {
                                if (!silent) {
                                    stream.send("retry: 1000\n\n");
                                    String last = request.requestHeaders().get("Last-Event-ID");
                                    if (id != null) {
                                        stream.send(id.equals(last) ? unchangedEvent() : rulesEvent());
                                    }
                                }
                                open.add(stream);
                            }
                            Flux<String> body = stream.sink().asFlux();
                            Duration every = heartbeats;
                            if (every != null) {
                                body = body.mergeWith(Flux.interval(every).map(i -> ": heartbeat " + System.currentTimeMillis() + "\n"));
                            }
                            return response.header("Content-Type", "text/event-stream; charset=utf-8").header("Cache-Control", "no-cache")
                                    .sendString(body.takeUntilOther(stream.ended().asMono()).doFinally(signal -> open.remove(stream)));
                        })
                        .post("/v1/reports", (request, response) -> request.receive().aggregate().asString(StandardCharsets.UTF_8)
                                .flatMap(json -> {
                                    if (token != null && !("Bearer " + token).equals(request.requestHeaders().get("Authorization"))) {
                                        return response.status(HttpResponseStatus.UNAUTHORIZED).send().then();
                                    }
                                    if (reportAttempts.incrementAndGet() <= failingReports) {
                                        return response.status(HttpResponseStatus.SERVICE_UNAVAILABLE).send().then();
                                    }
                                    reports.add(new Report(json));
                                    return response.status(HttpResponseStatus.NO_CONTENT).send().then();
                                })))
                .bindNow();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** Publishes the next version and sends it to every open stream; returns its event id. */
    synchronized String publish(Document... documents) {
        long next = version + 1;
        String hash = hash(next, documents);
        return publishRaw(next, hash, json(next, hash, documents));
    }

    /** Publishes {@code json} as the data of version {@code v}, as it is (the test's own JSON), with id {@code v:hash}. */
    synchronized String publishRaw(long v, String hash, String json) {
        version = v;
        id = v + ":" + hash;
        data = json;
        String event = rulesEvent();
        open.forEach(stream -> stream.send(event));
        return id;
    }

    /** Sends text as it is to every open stream. */
    void sendRaw(String text) {
        open.forEach(stream -> stream.send(text));
    }

    /** Ends every open stream, as a restarting control plane or a proxy timing out would. */
    void dropStreams() {
        open.forEach(Stream::end);
    }

    int openStreams() {
        return open.size();
    }

    /** The first {@code count} report attempts get a 503. */
    void failReports(int count) {
        this.failingReports = count;
    }

    int reportAttempts() {
        return reportAttempts.get();
    }

    void requireToken(String token) {
        this.token = token;
    }

    void respondWith(int status, String body) {
        this.status = status;
        this.errorBody = body;
    }

    /** Streams send nothing at all, not even {@code retry}: as a hung server or a buffering proxy. */
    void silent(boolean silent) {
        this.silent = silent;
    }

    void heartbeats(Duration every) {
        this.heartbeats = every;
    }

    List<StreamRequest> streams() {
        return List.copyOf(streams);
    }

    List<Report> reports() {
        return List.copyOf(reports);
    }

    @Override
    public void close() {
        dropStreams();
        server.disposeNow();
    }

    private String rulesEvent() {
        return "id: " + id + "\nevent: rules\ndata: " + data + "\n\n";
    }

    private String unchangedEvent() {
        String hash = id.substring(id.indexOf(':') + 1);
        return "id: " + id + "\nevent: unchanged\ndata: {\"version\":" + version + ",\"hash\":\"" + hash + "\"}\n\n";
    }

    /** Not the protocol's hash (the control plane's business), but as unique: 64 hex digits. */
    static String hash(long version, Document... documents) {
        StringBuilder all = new StringBuilder().append(version);
        for (Document document : documents) {
            all.append(document.origin()).append(document.firstLine()).append(document.yaml());
        }
        return sha256(all.toString());
    }

    static String json(long version, String hash, Document... documents) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("version", version);
            json.writeStringField("hash", hash);
            json.writeStringField("publishedAt", "2026-12-02T09:56:08.412Z");
            json.writeStringField("futureField", "ignored by workloads");
            json.writeArrayFieldStart("documents");
            for (Document document : documents) {
                json.writeStartObject();
                json.writeStringField("origin", document.origin());
                json.writeNumberField("firstLine", document.firstLine());
                json.writeStringField("resource", document.resource());
                json.writeStringField("yaml", document.yaml());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> labels() {
        return Map.of("app", "productpage", "version", "v1");
    }
}
