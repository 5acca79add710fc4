package io.inmesh.benchmarks.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.benchmarks.controlplane.ProtocolWorkloads.Event;
import io.inmesh.benchmarks.controlplane.ProtocolWorkloads.EventSplitter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolWorkloadsTest {

    @Test
    void eventsAreCutAtEmptyLinesWhereverTheChunksEnd() {
        String stream = "retry: 1000\n\n"
                + "id: 1:ab\nevent: rules\ndata: {\"version\":1}\n\n"
                + ": heartbeat 1764669368412\n\n"
                + "id: 2:cd\nevent: unchanged\ndata: {\"version\":2}\n\n";
        EventSplitter splitter = new EventSplitter();
        List<Event> events = new ArrayList<>();

        for (int i = 0; i < stream.length(); i += 7) {
            events.addAll(splitter.feed(stream.substring(i, Math.min(stream.length(), i + 7))));
        }

        assertThat(events).containsExactly(new Event("1:ab", "rules", "{\"version\":1}"), new Event("2:cd", "unchanged", "{\"version\":2}"));
    }

    @Test
    void dataLinesAreJoinedByLineBreaksAndAnEventWithoutTypeIsAMessage() {
        assertThat(new EventSplitter().feed("data: a\ndata: b\n\n")).containsExactly(new Event("", "message", "a\nb"));
    }

    @Test
    void anUnfinishedEventWaitsForItsEnd() {
        EventSplitter splitter = new EventSplitter();

        assertThat(splitter.feed("id: 3:ef\nevent: rules\ndata: {}\n")).isEmpty();
        assertThat(splitter.feed("\n")).containsExactly(new Event("3:ef", "rules", "{}"));
    }
}
