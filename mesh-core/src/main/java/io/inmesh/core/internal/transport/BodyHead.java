package io.inmesh.core.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;

/**
 * The start of a streamed body: its first chunk and, when the body had already ended by the time
 * that chunk came, the fact that it is the whole body. A server writes a whole body together with
 * the response headers, in one write and one packet (reactor-netty's {@code sendObject} of a
 * buffer), and streams any other body after them as it comes. Nothing waits: the body is asked for
 * its first chunk and then for one more; a body produced at once ({@code Flux.just}, a buffer the
 * application had, an upstream's small response read in one go) ends before the task that gave its
 * first chunk is over, a body still being produced (a large upload, an event stream) does not, and
 * its first chunk goes out right after that task.
 */
public final class BodyHead {

    private final ByteBuf whole;
    private final Flux<ByteBuf> stream;

    private BodyHead(ByteBuf whole, Flux<ByteBuf> stream) {
        this.whole = whole;
        this.stream = stream;
    }

    /**
     * Subscribes to {@code body} and emits its head as soon as it is known: at the body's end when
     * that comes with or right after the first chunk, else once the task that delivered the first
     * chunk is over (the decision runs on {@code afterCurrentTask}, the connection's event loop,
     * by which time a body that was complete has said so). An error before the first chunk is the
     * returned {@link Mono}'s error.
     */
    public static Mono<BodyHead> of(Flux<ByteBuf> body, Executor afterCurrentTask) {
        return Mono.<BodyHead>create(sink -> body.subscribe(new HeadSubscriber(sink, afterCurrentTask)))
                // A head decided just as its subscriber went away is dropped by the sink: let go of it.
                .doOnDiscard(BodyHead.class, BodyHead::discard);
    }

    /** Releases the whole body, or cancels the stream (which releases what it holds and cancels the body). */
    private void discard() {
        if (whole != null) {
            ReferenceCountUtil.safeRelease(whole);
        } else {
            stream.subscribe(new BaseSubscriber<>() {
                @Override
                protected void hookOnSubscribe(Subscription subscription) {
                    subscription.cancel();
                }
            });
        }
    }

    /** The whole body when it was one chunk (or none: an empty buffer), else {@code null}. */
    public ByteBuf whole() {
        return whole;
    }

    /**
     * The whole body as a stream again, first chunk included, for a body that was not whole. Its
     * demand goes to the original body; it can be subscribed once.
     */
    public Flux<ByteBuf> stream() {
        return stream;
    }

    /**
     * Takes the first chunk, asks for one more and leaves the decision to a later task: an end that
     * comes first makes the body whole, a second chunk or that task makes it a stream. Past the head
     * it relays the body through a unicast sink whose subscriber's demand it passes on, so a streamed
     * body keeps its back-pressure (at most the two chunks asked for up front are held). The first
     * chunk is handed from the signal thread to the task through the executor (happens-before), and
     * whichever of the two decides first wins {@code headDone}.
     */
    private static final class HeadSubscriber implements CoreSubscriber<ByteBuf> {
        private static final Sinks.EmitFailureHandler RETRY = Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1));

        private final MonoSink<BodyHead> head;
        private final Executor afterCurrentTask;
        private final Sinks.Many<ByteBuf> rest = Sinks.many().unicast().onBackpressureBuffer();
        private final AtomicBoolean headDone = new AtomicBoolean();
        private volatile Subscription upstream;
        private volatile ByteBuf first;

        HeadSubscriber(MonoSink<BodyHead> head, Executor afterCurrentTask) {
            this.head = head;
            this.afterCurrentTask = afterCurrentTask;
            head.onCancel(this::cancelBeforeHead);
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            this.upstream = subscription;
            subscription.request(1);
        }

        @Override
        public void onNext(ByteBuf chunk) {
            if (headDone.get()) {
                rest.emitNext(chunk, RETRY);
            } else if (first != null) {
                // A second chunk before any decision: the body is a stream.
                emitStream();
                rest.emitNext(chunk, RETRY);
            } else {
                first = chunk;
                upstream.request(1);
                if (!headDone.get()) {
                    afterCurrentTask.execute(this::emitStream);
                }
            }
        }

        private void emitStream() {
            if (headDone.compareAndSet(false, true)) {
                ByteBuf chunk = first;
                first = null;
                Subscription subscription = upstream;
                // A subscriber that cancels before asking for anything never gets the held chunk: release it then.
                AtomicBoolean delivered = new AtomicBoolean();
                Mono<ByteBuf> held = Mono.just(chunk)
                        .doOnNext(c -> delivered.set(true))
                        .doOnCancel(() -> {
                            if (delivered.compareAndSet(false, true)) {
                                ReferenceCountUtil.safeRelease(chunk);
                            }
                        });
                // Cancelling the stream cancels the body even before the relay was subscribed (concat
                // only cancels the source it is on), and releases what the relay holds.
                AtomicBoolean relaySubscribed = new AtomicBoolean();
                Flux<ByteBuf> relay = rest.asFlux()
                        .doOnSubscribe(s -> relaySubscribed.set(true))
                        .doOnRequest(subscription::request)
                        .doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease);
                head.success(new BodyHead(null, Flux.concat(held, relay).doOnCancel(() -> {
                    subscription.cancel();
                    if (relaySubscribed.compareAndSet(false, true)) {
                        rest.asFlux().subscribe(ReferenceCountUtil::safeRelease, error -> { });
                    }
                })));
            }
        }

        @Override
        public void onError(Throwable error) {
            if (headDone.compareAndSet(false, true)) {
                release();
                head.error(error);
            } else {
                rest.emitError(error, RETRY);
            }
        }

        @Override
        public void onComplete() {
            if (headDone.compareAndSet(false, true)) {
                ByteBuf chunk = first;
                first = null;
                head.success(new BodyHead(chunk != null ? chunk : Unpooled.EMPTY_BUFFER, null));
            } else {
                rest.emitComplete(RETRY);
            }
        }

        private void cancelBeforeHead() {
            if (headDone.compareAndSet(false, true)) {
                Subscription subscription = upstream;
                if (subscription != null) {
                    subscription.cancel();
                }
                release();
            }
        }

        private void release() {
            ByteBuf chunk = first;
            first = null;
            if (chunk != null) {
                ReferenceCountUtil.safeRelease(chunk);
            }
        }
    }
}
