package io.inmesh.telemetry.internal;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.MeshSnapshot;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.spi.MeshInterceptor;
import io.inmesh.core.telemetry.CallRecord;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.util.context.Context;

/**
 * The telemetry step, first on both stacks: opens a {@link CallRecord} for the call, counts the
 * body bytes that pass, and tells every {@link CallObserver} when the call starts and, once, when it
 * ends: when the response body has passed to the end, or the call failed or was cancelled. The end
 * of a call is seen through its response body, so a response whose body nobody subscribes to is not
 * reported (an application must consume or release every body anyway; the mesh's server always does).
 */
public final class TelemetryInterceptor implements MeshInterceptor {

    private static final System.Logger LOG = System.getLogger(TelemetryInterceptor.class.getName());

    private final CallRecord.Direction direction;
    private final List<CallObserver> observers;
    private final Clock clock;
    private final AtomicLong observerFailures = new AtomicLong();

    public TelemetryInterceptor(CallRecord.Direction direction, List<CallObserver> observers, Clock clock) {
        this.direction = direction;
        this.observers = List.copyOf(observers);
        this.clock = clock;
    }

    /** How many times an observer threw; each such failure was logged once and cost the call nothing. */
    public long observerFailures() {
        return observerFailures.get();
    }

    @Override
    public Mono<MeshResponse> intercept(MeshRequest request, Chain chain) {
        return Mono.deferContextual(context -> {
            CallRecord record = new CallRecord(direction, System.nanoTime(), clock.instant());
            Call call = new Call(record, chain.workload(), chain.snapshot());
            MeshRequest sent = request.withAttribute(CallRecord.KEY, record);
            if (request.hasBody()) {
                sent = sent.toBuilder().body(request.body().doOnNext(buffer -> call.requestBytes.addAndGet(buffer.readableBytes()))).build();
            }
            for (CallObserver observer : observers) {
                try {
                    sent = observer.onStart(record, sent, context);
                } catch (RuntimeException | LinkageError e) { // telemetry never breaks a call
                    observerFailed(observer, e);
                }
            }
            call.request = sent;
            return chain.proceed(sent)
                    .contextWrite(inner -> inside(record, inner))
                    .map(response -> response.withBody(response.body()
                            .doOnNext(buffer -> call.responseBytes.addAndGet(buffer.readableBytes()))
                            .doFinally(signal -> call.end(response, signal))))
                    .doOnError(call::failed)
                    .doOnCancel(call::cancelledBeforeResponse);
        });
    }

    private Context inside(CallRecord record, Context context) {
        Context result = context;
        for (CallObserver observer : observers) {
            try {
                result = observer.inside(record, result);
            } catch (RuntimeException | LinkageError e) { // telemetry never breaks a call
                observerFailed(observer, e);
            }
        }
        return result;
    }

    private void observerFailed(CallObserver observer, Throwable e) {
        if (observerFailures.getAndIncrement() == 0) {
            LOG.log(System.Logger.Level.WARNING, "telemetry observer " + observer.getClass().getSimpleName()
                    + " failed; the call goes on (later failures are counted, not logged)", e);
        }
    }

    /** One call under way: what the step counts, and the guard that reports its end once. */
    private final class Call {
        final CallRecord record;
        final LocalWorkload workload;
        final MeshSnapshot snapshot;
        final AtomicLong requestBytes = new AtomicLong();
        final AtomicLong responseBytes = new AtomicLong();
        final AtomicBoolean ended = new AtomicBoolean();
        volatile MeshRequest request;

        Call(CallRecord record, LocalWorkload workload, MeshSnapshot snapshot) {
            this.record = record;
            this.workload = workload;
            this.snapshot = snapshot;
        }

        void end(MeshResponse response, SignalType signal) {
            CompletedCall.End end = switch (signal) {
                case ON_COMPLETE -> CompletedCall.End.COMPLETED;
                case ON_ERROR -> CompletedCall.End.FAILED;
                default -> CompletedCall.End.CANCELLED;
            };
            report(response.status(), response.flags(), response.headers(), end, null);
        }

        void failed(Throwable error) {
            if (error instanceof MeshException failure) {
                report(failure.status(), failure.flags(), EmptyHttpHeaders.INSTANCE, CompletedCall.End.FAILED, error);
            } else {
                report(0, Set.of(), EmptyHttpHeaders.INSTANCE, CompletedCall.End.FAILED, error);
            }
        }

        void cancelledBeforeResponse() {
            report(0, Set.of(), EmptyHttpHeaders.INSTANCE, CompletedCall.End.CANCELLED, null);
        }

        private void report(int status, Set<ResponseFlag> flags, HttpHeaders headers, CompletedCall.End end, Throwable failure) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            CompletedCall completed = new CompletedCall(record, request, workload, snapshot, status, flags, headers,
                    requestBytes.get(), responseBytes.get(), System.nanoTime() - record.startNanos(), end, failure);
            for (CallObserver observer : observers) {
                try {
                    observer.onEnd(completed);
                } catch (RuntimeException | LinkageError e) { // telemetry never breaks a call
                    observerFailed(observer, e);
                }
            }
        }
    }
}
