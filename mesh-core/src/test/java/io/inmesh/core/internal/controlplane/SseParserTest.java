package io.inmesh.core.internal.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inmesh.core.internal.controlplane.SseParser.Comment;
import io.inmesh.core.internal.controlplane.SseParser.Event;
import io.inmesh.core.internal.controlplane.SseParser.Item;
import io.inmesh.core.internal.controlplane.SseParser.Retry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parser against the rules of the WHATWG "interpreting an event stream" algorithm. */
class SseParserTest {

    private static List<Item> parse(String... chunks) {
        SseParser parser = new SseParser(1 << 20);
        List<Item> items = new ArrayList<>();
        for (String chunk : chunks) {
            items.addAll(parser.feed(chunk.getBytes(StandardCharsets.UTF_8)));
        }
        return items;
    }

    @Test
    void anEventEndsWithAnEmptyLine() {
        assertThat(parse("id: 7:abc\nevent: rules\ndata: {\"version\":7}\n\n"))
                .containsExactly(new Event("7:abc", "rules", "{\"version\":7}"));
        assertThat(parse("event: rules\ndata: x\n")).isEmpty(); // not finished: nothing yet
    }

    @Test
    void dataLinesAreJoinedByLineFeeds() {
        assertThat(parse("data: one\ndata:two\ndata\ndata:  three\n\n"))
                .containsExactly(new Event("", "message", "one\ntwo\n\n three"));
    }

    @Test
    void crLfAndCrEndLinesToo() {
        assertThat(parse("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\r"))
                .containsExactly(new Event("", "a", "1"), new Event("", "b", "2"));
    }

    @Test
    void aCrLfSplitAcrossChunksIsOneLineEnd() {
        assertThat(parse("data: 1\r", "\n", "\r", "\nevent: x\r", "\ndata: 2\r\n\r\n"))
                .containsExactly(new Event("", "message", "1"), new Event("", "x", "2"));
    }

    @Test
    void anyChunkingGivesTheSameItems() {
        String stream = "retry: 1000\n: heartbeat 1\nid: 1:h\nevent: rules\ndata: {\"yaml\":\"a\\nb\",\"é\":\"日本\"}\n\n"
                + "event: unchanged\r\ndata: {}\r\n\r\n";
        List<Item> whole = parse(stream);
        assertThat(whole).containsExactly(new Retry(1000), new Comment(" heartbeat 1"),
                new Event("1:h", "rules", "{\"yaml\":\"a\\nb\",\"é\":\"日本\"}"), new Event("1:h", "unchanged", "{}"));
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (int size = 1; size <= 7; size++) {
            SseParser parser = new SseParser(1 << 20);
            List<Item> items = new ArrayList<>();
            for (int at = 0; at < bytes.length; at += size) {
                // Splits multi-byte UTF-8 characters too.
                items.addAll(parser.feed(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + size))));
            }
            assertThat(items).as("chunks of %d bytes", size).isEqualTo(whole);
        }
    }

    @Test
    void commentsAreReportedAndDoNotDisturbAnEvent() {
        assertThat(parse(": heartbeat 1733130000000\n", "data: a\n:x\ndata: b\n\n"))
                .containsExactly(new Comment(" heartbeat 1733130000000"), new Comment("x"), new Event("", "message", "a\nb"));
    }

    @Test
    void theIdIsKeptForLaterEventsAndAnIdWithNulIsIgnored() {
        assertThat(parse("id: 1:a\ndata: x\n\ndata: y\n\nid: 2\u0000\ndata: z\n\nid\ndata: w\n\n")).containsExactly(
                new Event("1:a", "message", "x"), new Event("1:a", "message", "y"), new Event("1:a", "message", "z"),
                new Event("", "message", "w"));
    }

    @Test
    void anEventWithoutDataIsNotDispatchedButItsIdCounts() {
        SseParser parser = new SseParser(1024);
        assertThat(parser.feed("id: 3:x\nevent: rules\n\n".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(parser.lastEventId()).isEqualTo("3:x");
        // The type of the undispatched event does not leak into the next one.
        assertThat(parser.feed("data: d\n\n".getBytes(StandardCharsets.UTF_8))).containsExactly(new Event("3:x", "message", "d"));
    }

    @Test
    void retryIsTakenOnlyWhenAllDigits() {
        assertThat(parse("retry: 2500\nretry: 1s\nretry: -1\nretry:\nretry: 99999999999999999999999\nretry:0\n"))
                .containsExactly(new Retry(2500), new Retry(0));
    }

    @Test
    void unknownFieldsAndALeadingByteOrderMarkAreIgnored() {
        assertThat(parse("\uFEFFfoo: bar\nevent: rules\nbaz\ndata: d\n\n")).containsExactly(new Event("", "rules", "d"));
    }

    @Test
    void onlyOneSpaceAfterTheColonIsRemoved() {
        assertThat(parse("event:  spaced\ndata:x:y\n\n")).containsExactly(new Event("", " spaced", "x:y"));
    }

    @Test
    void anUnfinishedEventAtTheEndIsNeverDispatched() {
        assertThat(parse("data: complete\n\ndata: incomplete")).containsExactly(new Event("", "message", "complete"));
    }

    @Test
    void anEventOverTheLimitIsAnError() {
        SseParser parser = new SseParser(16);
        assertThat(parser.feed("data: 0123456\n\n".getBytes(StandardCharsets.UTF_8))).hasSize(1);
        assertThatThrownBy(() -> parser.feed("data: 0123456789\ndata: 0123456789\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("over 16 bytes");
        // Heartbeats between events never add up to the limit.
        SseParser quiet = new SseParser(16);
        for (int i = 0; i < 100; i++) {
            assertThat(quiet.feed(": heartbeat\n".getBytes(StandardCharsets.UTF_8))).hasSize(1);
        }
    }
}
