package io.inmesh.controlplane;

import org.awaitility.Awaitility;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A rules stream read raw over a real socket: every byte received is kept, events are parsed from it
 * as the server-sent events spec says (fields, comments, an empty line ending each event).
 */
final class SseStream implements AutoCloseable {

    /** One event, or one comment block (such as a heartbeat), as received. */
    record Event(String id, String event, String data, String retry, List<String> comments) {
    }

    private final StringBuffer received = new StringBuffer();
    private final Disposable connection;
    private volatile int status;
    private volatile HttpHeaders headers;
    private volatile Throwable failure;
    private volatile boolean completed;

    SseStream(URI base, String query, Map<String, String> requestHeaders) {
        connection = HttpClient.create(ConnectionProvider.newConnection())
                .headers(h -> requestHeaders.forEach(h::set))
                .get()
                .uri(base.resolve("/v1/rules?" + query))
                .response((response, body) -> {
                    status = response.status().code();
                    headers = response.responseHeaders();
                    return body.asString(StandardCharsets.UTF_8);
                })
                .subscribe(received::append, error -> failure = error, () -> completed = true);
    }

    static SseStream open(ControlPlane controlPlane, String query) {
        return new SseStream(controlPlane.uri(), query, Map.of());
    }

    int status() {
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> status != 0 || failure != null);
        return status;
    }

    HttpHeaders headers() {
        status();
        return headers;
    }

    String raw() {
        return received.toString();
    }

    boolean ended() {
        return completed || failure != null;
    }

    /** The complete events received so far (comment-only blocks included). */
    List<Event> events() {
        String text = received.toString();
        List<Event> events = new ArrayList<>();
        int start = 0;
        for (int end; (end = text.indexOf("\n\n", start)) >= 0; start = end + 2) {
            String id = null;
            String event = null;
            String retry = null;
            StringBuilder data = null;
            List<String> comments = new ArrayList<>();
            for (String line : text.substring(start, end).split("\n", -1)) {
                if (line.startsWith(":")) {
                    comments.add(line.substring(1).strip());
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> event = value;
                    case "retry" -> retry = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> throw new AssertionError("unknown field " + field + " in " + text);
                }
            }
            events.add(new Event(id, event, data == null ? null : data.toString(), retry, comments));
        }
        return events;
    }

    /** The events with an {@code event} field ({@code rules}, {@code unchanged}), in order. */
    List<Event> typed() {
        return events().stream().filter(e -> e.event() != null).toList();
    }

    /** Waits (at most {@code timeout}) for an event matching {@code condition}; returns it. */
    Event await(Duration timeout, Predicate<Event> condition) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(5)).until(() -> events().stream().anyMatch(condition));
        return events().stream().filter(condition).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        connection.dispose();
    }
}
