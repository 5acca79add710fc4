package io.inmesh.core.internal.controlplane;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An incremental parser of a {@code text/event-stream} body, as the WHATWG HTML standard
 * ("server-sent events", "interpreting an event stream") defines it: lines end in CRLF, LF or CR
 * (a CRLF split across two chunks counts once); a leading byte-order mark is dropped; a line
 * starting with {@code :} is a comment; {@code field: value} loses one space after the colon; a line
 * without a colon is a field with an empty value; {@code data} lines accumulate, joined by LF; an
 * empty line dispatches the event, unless it has no data; {@code id} sets the last event id (kept
 * for later events, ignored when it contains NUL); {@code retry} is taken only when all ASCII digits;
 * unknown fields are ignored; an event unfinished when the stream ends is dropped.
 *
 * <p>Bytes are decoded as UTF-8 once a line is complete, so a character split across chunks is read
 * whole. One parser per stream; not thread-safe (a stream's chunks arrive one at a time).
 */
public final class SseParser {

    /** What the stream said: an event, a comment, or a new reconnection time. */
    public sealed interface Item permits Event, Comment, Retry {
    }

    /**
     * A dispatched event.
     *
     * @param id the last event id at dispatch ({@code ""} when none was ever set)
     * @param type the {@code event} field, {@code message} when absent
     * @param data the {@code data} lines joined by LF
     */
    public record Event(String id, String type, String data) implements Item {
    }

    /** A comment line, without its colon: heartbeats. */
    public record Comment(String text) implements Item {
    }

    /** A {@code retry} field: the reconnection time in milliseconds. */
    public record Retry(long millis) implements Item {
    }

    private final int maxEventBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventId = "";
    private boolean afterCr;
    private boolean started;

    /**
     * @param maxEventBytes the most bytes one event (all its lines) may take; more is a protocol error,
     *     so that a server that never ends a line cannot exhaust memory
     */
    public SseParser(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Feeds the next chunk of the body and returns what it completed, in order.
     *
     * @throws IllegalStateException when an event exceeds the size limit
     */
    public List<Item> feed(byte[] chunk) {
        List<Item> items = new ArrayList<>(2);
        for (byte b : chunk) {
            if (b == '\n') {
                if (afterCr) {
                    afterCr = false; // the LF of a CRLF
                    continue;
                }
                endLine(items);
            } else if (b == '\r') {
                afterCr = true;
                endLine(items);
            } else {
                afterCr = false;
                if (line.size() + data.length() >= maxEventBytes) {
                    throw new IllegalStateException("server-sent event over " + maxEventBytes + " bytes");
                }
                line.write(b);
            }
        }
        return items;
    }

    /** The last event id seen, {@code ""} if none. */
    public String lastEventId() {
        return lastEventId;
    }

    private void endLine(List<Item> items) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (!started) {
            started = true;
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
        }
        if (text.isEmpty()) {
            dispatch(items);
            return;
        }
        if (text.charAt(0) == ':') {
            items.add(new Comment(text.substring(1)));
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> eventType = value;
            case "data" -> data.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    try {
                        items.add(new Retry(Long.parseLong(value)));
                    } catch (NumberFormatException tooLarge) {
                        // Digits beyond a long: not a usable time; ignored like any invalid value.
                    }
                }
            }
            default -> {
                // Unknown fields are ignored.
            }
        }
    }

    private void dispatch(List<Item> items) {
        if (data.isEmpty()) {
            eventType = "";
            return;
        }
        data.setLength(data.length() - 1);
        items.add(new Event(lastEventId, eventType.isEmpty() ? "message" : eventType, data.toString()));
        data.setLength(0);
        eventType = "";
    }
}
