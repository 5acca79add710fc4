package io.inmesh.benchmarks.controlplane;

import io.inmesh.core.LocalWorkload;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.client.HttpClient;

/**
 * Simulated workloads that speak the protocol ({@code docs/control-plane-protocol.md}) directly: each
 * opens its rules stream, and ACKs each {@code rules} event as soon as it arrived, without reading or
 * validating its documents. What is left is the control plane's own work (scoping, rendering and
 * writing a version to every stream, recording the reports), which a thousand workloads with their own
 * cores would see. One connection per stream and per report, as {@code ControlPlaneConfigSource} does;
 * no reconnecting (a failed stream is counted, and the run times out).
 */
final class ProtocolWorkloads extends SimulatedWorkloads {

    private static final System.Logger LOG = System.getLogger(ProtocolWorkloads.class.getName());
    /** The marker of {@link RuleSet}, inside the JSON of a rules event (its line breaks escaped there). */
    private static final Pattern EDIT = Pattern.compile("# benchmark edit (\\d+)\\\\n");

    private final HttpClient http = HttpClient.newConnection();
    private final Disposable.Composite connections = Disposables.composite();
    private final AtomicInteger failures = new AtomicInteger();
    private final String base;

    private ProtocolWorkloads(URI controlPlane, int count, int edits) {
        super(count, edits);
        this.base = controlPlane.toString().replaceAll("/+$", "");
    }

    /**
     * Connects {@code count} workloads to {@code controlPlane}; returns at once (they connect in the background).
     *
     * @param edits the highest edit number whose receipt is recorded
     */
    static ProtocolWorkloads connect(URI controlPlane, int count, int teamNamespaces, int edits) {
        ProtocolWorkloads workloads = new ProtocolWorkloads(controlPlane, count, edits);
        for (int i = 0; i < count; i++) {
            workloads.open(i, workload(i, teamNamespaces));
        }
        return workloads;
    }

    /** Streams that failed or ended: 0 in a good run. */
    int failures() {
        return failures.get();
    }

    private void open(int index, LocalWorkload workload) {
        String uri = base + "/v1/rules?namespace=" + encode(workload.namespace()) + "&name=" + encode(workload.name()) + "&labels="
                + encode(labels(workload.labels())) + "&instance=" + encode(instance(index));
        EventSplitter events = new EventSplitter();
        connections.add(http.headers(headers -> headers.set(HttpHeaderNames.ACCEPT, "text/event-stream"))
                .get()
                .uri(uri)
                .response((response, body) -> response.status().code() == 200
                        // ISO-8859-1 maps each byte to one char: a chunk boundary cannot split a character.
                        ? body.asString(StandardCharsets.ISO_8859_1)
                        : Flux.error(new IllegalStateException("GET " + uri + ": " + response.status())))
                .concatMapIterable(events::feed)
                .subscribe(event -> onEvent(index, workload, event), error -> {
                    failures.incrementAndGet();
                    LOG.log(System.Logger.Level.WARNING, () -> "stream of " + instance(index) + " failed: " + error);
                }, () -> {
                    failures.incrementAndGet();
                    LOG.log(System.Logger.Level.WARNING, () -> "stream of " + instance(index) + " ended");
                }));
    }

    /** On the event loop: notes the receipt and posts the ACK (both non-blocking). */
    private void onEvent(int index, LocalWorkload workload, Event event) {
        if (!event.type().equals("rules")) {
            return;
        }
        Matcher edit = EDIT.matcher(event.data());
        if (edit.find()) {
            received(index, Integer.parseInt(edit.group(1)));
        }
        int colon = event.id().indexOf(':');
        long version = Long.parseLong(event.id().substring(0, colon));
        String hash = event.id().substring(colon + 1);
        // Names, namespaces and instances of simulated workloads need no JSON escaping.
        String report = "{\"namespace\":\"" + workload.namespace() + "\",\"name\":\"" + workload.name() + "\",\"instance\":\""
                + instance(index) + "\",\"version\":" + version + ",\"hash\":\"" + hash + "\",\"status\":\"ACK\",\"diagnostics\":[]}";
        // Not kept for close(): a report ends on its own within moments.
        http.headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
                .post()
                .uri(base + "/v1/reports")
                .send(ByteBufMono.fromString(Mono.just(report)))
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("").map(text -> {
                    if (response.status().code() != 204) {
                        throw new IllegalStateException("report of " + instance(index) + ": " + response.status() + " " + text);
                    }
                    return text;
                }))
                .subscribe(null, error -> {
                    failures.incrementAndGet();
                    LOG.log(System.Logger.Level.WARNING, () -> "report of " + instance(index) + " failed: " + error);
                });
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        connections.dispose();
    }

    /** One server-sent event: its id, type ({@code message} when absent) and data (lines joined by {@code \n}). */
    record Event(String id, String type, String data) {
    }

    /** Cuts a stream's text into events at each empty line; ignores comments and {@code retry}. Not thread-safe (one per stream). */
    static final class EventSplitter {
        private final StringBuilder pending = new StringBuilder();

        List<Event> feed(String chunk) {
            pending.append(chunk);
            List<Event> events = new ArrayList<>(1);
            int end;
            while ((end = pending.indexOf("\n\n")) >= 0) {
                String block = pending.substring(0, end);
                pending.delete(0, end + 2);
                String id = "";
                String type = "message";
                StringBuilder data = new StringBuilder();
                boolean hasData = false;
                boolean hasField = false;
                for (String line : block.split("\n", -1)) {
                    int colon = line.indexOf(':');
                    if (colon == 0) {
                        continue; // a comment
                    }
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + (line.startsWith(": ", colon) ? 2 : 1));
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> type = value;
                        case "data" -> {
                            data.append(hasData ? "\n" : "").append(value);
                            hasData = true;
                        }
                        default -> {
                            continue; // retry and unknown fields
                        }
                    }
                    hasField = true;
                }
                if (hasField) {
                    events.add(new Event(id, type, data.toString()));
                }
            }
            return events;
        }
    }

    /** Labels as the protocol's {@code labels} parameter: {@code k=v} pairs joined by commas, sorted by key. */
    private static String labels(Map<String, String> labels) {
        return new TreeMap<>(labels).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
