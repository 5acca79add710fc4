package io.inmesh.core.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

class BodyHeadTest {

    /** The event loop's "after the current task": tasks wait here until the test runs them. */
    private final Queue<Runnable> later = new ArrayDeque<>();
    private final Executor afterCurrentTask = later::add;

    private static ByteBuf chunk(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static String text(ByteBuf buffer) {
        try {
            return buffer.toString(StandardCharsets.US_ASCII);
        } finally {
            buffer.release();
        }
    }

    private BodyHead headOf(Flux<ByteBuf> body) {
        AtomicReference<BodyHead> head = new AtomicReference<>();
        BodyHead.of(body, afterCurrentTask).subscribe(head::set);
        while (head.get() == null && !later.isEmpty()) {
            later.poll().run();
        }
        return head.get();
    }

    @Test
    void aBodyOfOneChunkIsWholeWithoutWaitingForALaterTask() {
        ByteBuf only = chunk("hello");
        AtomicReference<BodyHead> head = new AtomicReference<>();

        BodyHead.of(Flux.just(only), afterCurrentTask).subscribe(head::set);

        assertThat(head.get()).isNotNull();
        assertThat(head.get().whole()).isSameAs(only);
        assertThat(text(head.get().whole())).isEqualTo("hello");
    }

    @Test
    void aBodyThatEndsRightAfterItsChunkInTheSameTaskIsWhole() {
        // Flux.defer + just: the end comes after onNext returns, still inside the task that delivered it.
        BodyHead head = headOf(Flux.defer(() -> Flux.just(chunk("late end"))).map(b -> b));

        assertThat(head.whole()).isNotNull();
        assertThat(text(head.whole())).isEqualTo("late end");
    }

    @Test
    void anEmptyBodyIsWholeAndEmpty() {
        BodyHead head = headOf(Flux.empty());

        assertThat(head.whole()).isNotNull();
        assertThat(head.whole().readableBytes()).isZero();
    }

    @Test
    void aBodyOfSeveralChunksIsStreamedWithEveryChunkInOrder() {
        BodyHead head = headOf(Flux.just(chunk("a"), chunk("b"), chunk("c")));

        assertThat(head.whole()).isNull();
        assertThat(head.stream().map(BodyHeadTest::text).collectList().block()).containsExactly("a", "b", "c");
    }

    @Test
    void aBodyStillBeingProducedIsAStreamOnceTheTaskIsOverAndItsFirstChunkGoesOutAtOnce() {
        Sinks.Many<ByteBuf> producer = Sinks.many().unicast().onBackpressureBuffer();
        AtomicReference<BodyHead> head = new AtomicReference<>();
        BodyHead.of(producer.asFlux(), afterCurrentTask).subscribe(head::set);

        producer.tryEmitNext(chunk("event 1"));
        assertThat(head.get()).as("decided only after the task that delivered the chunk").isNull();
        assertThat(later).hasSize(1);
        later.poll().run();
        assertThat(head.get()).isNotNull();
        assertThat(head.get().whole()).isNull();

        List<String> received = new ArrayList<>();
        AtomicBoolean completed = new AtomicBoolean();
        head.get().stream().map(BodyHeadTest::text).subscribe(received::add, error -> { }, () -> completed.set(true));
        assertThat(received).as("the first chunk before the body goes on").containsExactly("event 1");

        producer.tryEmitNext(chunk("event 2"));
        producer.tryEmitComplete();
        assertThat(received).containsExactly("event 1", "event 2");
        assertThat(completed).isTrue();
    }

    @Test
    void aStreamedBodyKeepsBackPressure() {
        AtomicLong requested = new AtomicLong();
        AtomicLong produced = new AtomicLong();
        Flux<ByteBuf> body = Flux.range(0, 1000)
                .doOnRequest(n -> requested.addAndGet(n))
                .map(i -> {
                    produced.incrementAndGet();
                    return chunk("chunk " + i);
                });
        BodyHead head = headOf(body);
        assertThat(head.whole()).isNull();
        assertThat(requested.get()).as("the head asks for two chunks").isEqualTo(2);

        List<String> received = new ArrayList<>();
        BaseSubscriber<ByteBuf> slow = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                request(1);
            }

            @Override
            protected void hookOnNext(ByteBuf value) {
                received.add(text(value));
            }
        };
        head.stream().subscribe(slow);
        for (int i = 0; i < 10; i++) {
            slow.request(1);
        }

        assertThat(received).hasSize(11).startsWith("chunk 0", "chunk 1", "chunk 2");
        assertThat(produced.get()).as("produced at most one chunk ahead of the reader").isLessThanOrEqualTo(received.size() + 2);
        slow.dispose();
    }

    @Test
    void anErrorBeforeTheFirstChunkIsTheHeadsError() {
        IllegalStateException failure = new IllegalStateException("handler failed");
        AtomicReference<Throwable> error = new AtomicReference<>();

        BodyHead.of(Flux.error(failure), afterCurrentTask).subscribe(head -> { }, error::set);

        assertThat(error.get()).isSameAs(failure);
    }

    @Test
    void anErrorAfterTheFirstChunkEndsTheStream() {
        Sinks.Many<ByteBuf> producer = Sinks.many().unicast().onBackpressureBuffer();
        AtomicReference<BodyHead> head = new AtomicReference<>();
        BodyHead.of(producer.asFlux(), afterCurrentTask).subscribe(head::set);
        producer.tryEmitNext(chunk("part"));
        later.poll().run();

        producer.tryEmitError(new IllegalStateException("upstream reset"));

        assertThatThrownBy(() -> head.get().stream().map(BodyHeadTest::text).collectList().block())
                .hasMessageContaining("upstream reset");
    }

    @Test
    void cancellingBeforeTheHeadCancelsTheBodyAndReleasesItsFirstChunk() {
        ByteBuf first = chunk("never sent");
        AtomicBoolean cancelled = new AtomicBoolean();
        Sinks.Many<ByteBuf> producer = Sinks.many().unicast().onBackpressureBuffer();
        Disposable subscription = BodyHead.of(producer.asFlux().doOnCancel(() -> cancelled.set(true)), afterCurrentTask)
                .subscribe();
        producer.tryEmitNext(first);

        subscription.dispose();

        assertThat(cancelled).isTrue();
        assertThat(first.refCnt()).isZero();
        later.forEach(Runnable::run); // the pending decision finds the head gone and does nothing
    }

    @Test
    void cancellingTheStreamBeforeReadingReleasesTheHeldChunkAndCancelsTheBody() {
        ByteBuf first = chunk("part 1");
        AtomicBoolean cancelled = new AtomicBoolean();
        Sinks.Many<ByteBuf> producer = Sinks.many().unicast().onBackpressureBuffer();
        AtomicReference<BodyHead> head = new AtomicReference<>();
        BodyHead.of(producer.asFlux().doOnCancel(() -> cancelled.set(true)), afterCurrentTask).subscribe(head::set);
        producer.tryEmitNext(first);
        later.poll().run();
        ByteBuf second = chunk("part 2");
        producer.tryEmitNext(second); // held by the relay until the stream is read

        head.get().stream().subscribe(new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                subscription.cancel(); // the connection closed before the body was written
            }
        });

        assertThat(first.refCnt()).isZero();
        assertThat(second.refCnt()).isZero();
        assertThat(cancelled).as("the body is cancelled").isTrue();
    }

    @Test
    void cancellingTheStreamWhileReadingReleasesWhatTheRelayHolds() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Sinks.Many<ByteBuf> producer = Sinks.many().unicast().onBackpressureBuffer();
        AtomicReference<BodyHead> head = new AtomicReference<>();
        BodyHead.of(producer.asFlux().doOnCancel(() -> cancelled.set(true)), afterCurrentTask).subscribe(head::set);
        producer.tryEmitNext(chunk("part 1"));
        later.poll().run();
        ByteBuf second = chunk("part 2");
        ByteBuf third = chunk("part 3");
        producer.tryEmitNext(second);
        producer.tryEmitNext(third);
        List<String> received = new ArrayList<>();
        BaseSubscriber<ByteBuf> reader = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                request(2);
            }

            @Override
            protected void hookOnNext(ByteBuf value) {
                received.add(text(value));
            }
        };
        head.get().stream().subscribe(reader);

        reader.cancel();

        assertThat(received).containsExactly("part 1", "part 2");
        assertThat(third.refCnt()).as("the chunk the relay still held").isZero();
        assertThat(cancelled).isTrue();
    }
}
