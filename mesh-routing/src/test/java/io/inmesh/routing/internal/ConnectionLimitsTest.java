package io.inmesh.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.http.ConnectionPolicy;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.model.ConnectionPoolSettings;
import io.inmesh.routing.ClusterPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * The connection-pool limits count exactly: requests beyond {@code maxConnections} wait in FIFO order
 * up to {@code http1MaxPendingRequests}, beyond that they fail at once with 503 {@code UO};
 * {@code http2MaxRequests} fails fast; a cancelled waiter leaves the queue; a permit is released once.
 */
class ConnectionLimitsTest {

    private final ClusterLoad load = new ClusterLoad();

    private ConnectionLimits limits(Integer maxConnections, Integer maxPending, Integer maxRequests) {
        ConnectionPoolSettings pool = new ConnectionPoolSettings(
                new ConnectionPoolSettings.TcpSettings(maxConnections, null, null, null, null),
                new ConnectionPoolSettings.HttpSettings(maxPending, maxRequests, null, null, null, null, null, null));
        return new ConnectionLimits(policy(pool), load);
    }

    private static ClusterPolicy policy(ConnectionPoolSettings pool) {
        return new ClusterPolicy("reviews.bookinfo.svc.cluster.local|v1|9080", "bookinfo/reviews", null, pool, null, null, null);
    }

    /** What one acquire did: a permit, an error, or nothing yet (waiting). */
    private static final class Outcome {
        final AtomicReference<ConnectionLimits.Permit> permit = new AtomicReference<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        Disposable subscription;

        boolean waiting() {
            return permit.get() == null && error.get() == null;
        }
    }

    private static Outcome acquire(ConnectionLimits limits) {
        Outcome outcome = new Outcome();
        outcome.subscription = limits.acquire().subscribe(outcome.permit::set, outcome.error::set);
        return outcome;
    }

    @Test
    void withoutRuleNothingIsLimitedAndTheTransportGetsIstioDefaults() {
        ConnectionLimits limits = new ConnectionLimits(policy(null), load);
        assertThat(limits.maxConnections()).isEqualTo(Integer.MAX_VALUE);
        assertThat(limits.maxPendingRequests()).isEqualTo(Integer.MAX_VALUE);
        assertThat(limits.maxRequests()).isEqualTo(Integer.MAX_VALUE);
        assertThat(limits.connectionPolicy()).isEqualTo(ConnectionPolicy.DEFAULT);
        List<Outcome> many = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            many.add(acquire(limits));
        }
        assertThat(many).allMatch(o -> o.permit.get() != null);
        assertThat(load.activeRequests.get()).isEqualTo(10_000);
        many.forEach(o -> o.permit.get().release());
        assertThat(load.activeRequests.get()).isZero();
    }

    @Test
    void zeroMeansIstioDefaultNotZero() {
        // Istio copies a limit into Envoy only when it is > 0.
        ConnectionLimits limits = limits(0, 0, 0);
        assertThat(limits.maxConnections()).isEqualTo(Integer.MAX_VALUE);
        assertThat(limits.maxPendingRequests()).isEqualTo(Integer.MAX_VALUE);
        assertThat(limits.maxRequests()).isEqualTo(Integer.MAX_VALUE);
        assertThat(acquire(limits).permit.get()).isNotNull();
    }

    @Test
    void beyondMaxConnectionsRequestsWaitThenOverflowFailsFastWithUo() {
        ConnectionLimits limits = limits(2, 1, null);
        Outcome first = acquire(limits);
        Outcome second = acquire(limits);
        Outcome third = acquire(limits);
        Outcome fourth = acquire(limits);

        assertThat(first.permit.get()).isNotNull();
        assertThat(second.permit.get()).isNotNull();
        assertThat(third.waiting()).isTrue();
        assertThat(fourth.error.get()).isInstanceOf(MeshException.UpstreamOverflow.class)
                .hasMessageContaining("tcp.maxConnections").hasMessageContaining("http.http1MaxPendingRequests");
        MeshException overflow = (MeshException) fourth.error.get();
        assertThat(overflow.status()).isEqualTo(503);
        assertThat(overflow.flag()).isEqualTo(ResponseFlag.UO);
        assertThat(load.activeRequests.get()).isEqualTo(2);
        assertThat(load.pendingRequests.get()).isEqualTo(1);

        first.permit.get().release();
        assertThat(third.permit.get()).as("the waiter gets the freed connection").isNotNull();
        assertThat(load.activeRequests.get()).isEqualTo(2);
        assertThat(load.pendingRequests.get()).isZero();
        assertThat(limits.connectionsInUse()).isEqualTo(2);

        second.permit.get().release();
        third.permit.get().release();
        assertThat(load.activeRequests.get()).isZero();
        assertThat(limits.connectionsInUse()).isZero();
    }

    @Test
    void waitersAreServedInArrivalOrder() {
        ConnectionLimits limits = limits(1, 3, null);
        Outcome holder = acquire(limits);
        List<Integer> order = new ArrayList<>();
        List<ConnectionLimits.Permit> permits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int index = i;
            limits.acquire().subscribe(permit -> {
                order.add(index);
                permits.add(permit);
            });
        }
        assertThat(load.pendingRequests.get()).isEqualTo(3);
        holder.permit.get().release();
        for (int i = 0; i < 3; i++) {
            permits.get(i).release();
        }
        assertThat(order).containsExactly(0, 1, 2);
        assertThat(load.pendingRequests.get()).isZero();
        assertThat(load.activeRequests.get()).isZero();
        assertThat(limits.connectionsInUse()).isZero();
    }

    @Test
    void cancellingWhileWaitingLeavesTheQueue() {
        ConnectionLimits limits = limits(1, 2, null);
        Outcome holder = acquire(limits);
        Outcome cancelled = acquire(limits);
        Outcome next = acquire(limits);
        assertThat(load.pendingRequests.get()).isEqualTo(2);

        cancelled.subscription.dispose();
        assertThat(load.pendingRequests.get()).isEqualTo(1);
        // The freed place in the queue can be taken again.
        Outcome third = acquire(limits);
        assertThat(third.waiting()).isTrue();
        assertThat(load.pendingRequests.get()).isEqualTo(2);

        holder.permit.get().release();
        assertThat(cancelled.waiting()).as("a cancelled waiter is never granted").isTrue();
        assertThat(next.permit.get()).isNotNull();
        next.permit.get().release();
        assertThat(third.permit.get()).isNotNull();
        third.permit.get().release();
        assertThat(load.pendingRequests.get()).isZero();
        assertThat(load.activeRequests.get()).isZero();
        assertThat(limits.connectionsInUse()).isZero();
    }

    @Test
    void http2MaxRequestsFailsFastWithoutQueueing() {
        ConnectionLimits limits = limits(null, 100, 2);
        Outcome first = acquire(limits);
        Outcome second = acquire(limits);
        Outcome third = acquire(limits);
        assertThat(first.permit.get()).isNotNull();
        assertThat(second.permit.get()).isNotNull();
        assertThat(third.error.get()).isInstanceOf(MeshException.UpstreamOverflow.class).hasMessageContaining("http.http2MaxRequests");
        assertThat(load.pendingRequests.get()).isZero();
        assertThat(limits.connectionsInUse()).as("the refused request gave its connection back").isEqualTo(2);

        first.permit.get().release();
        Outcome fourth = acquire(limits);
        assertThat(fourth.permit.get()).isNotNull();
        second.permit.get().release();
        fourth.permit.get().release();
        assertThat(load.activeRequests.get()).isZero();
        assertThat(limits.connectionsInUse()).isZero();
    }

    @Test
    void withMaxRequestsBelowMaxConnectionsTheRequestLimitRefusesInsteadOfQueueing() {
        // Envoy checks max_requests when a request gets its connection: connections are free, so the
        // request is refused at once rather than queued.
        ConnectionLimits limits = limits(10, 10, 3);
        List<Outcome> sent = List.of(acquire(limits), acquire(limits), acquire(limits));
        Outcome refused = acquire(limits);
        assertThat(sent).allMatch(o -> o.permit.get() != null);
        assertThat(refused.error.get()).isInstanceOf(MeshException.UpstreamOverflow.class).hasMessageContaining("http.http2MaxRequests");
        assertThat(load.pendingRequests.get()).isZero();
        sent.forEach(o -> o.permit.get().release());
        assertThat(limits.connectionsInUse()).isZero();
    }

    @Test
    void withMaxConnectionsBelowMaxRequestsWaitersAreSentWhenAConnectionFrees() {
        ConnectionLimits limits = limits(2, 5, 3);
        Outcome first = acquire(limits);
        Outcome second = acquire(limits);
        Outcome waiting = acquire(limits);
        assertThat(waiting.waiting()).isTrue();
        first.permit.get().release();
        assertThat(waiting.permit.get()).as("pending requests do not count against http2MaxRequests").isNotNull();
        assertThat(load.activeRequests.get()).isEqualTo(2);
        second.permit.get().release();
        waiting.permit.get().release();
        assertThat(load.activeRequests.get()).isZero();
    }

    @Test
    void aPermitIsReleasedOnceHoweverOftenReleaseIsCalled() {
        ConnectionLimits limits = limits(1, 0, null);
        Outcome first = acquire(limits);
        first.permit.get().release();
        first.permit.get().release();
        first.permit.get().release();
        assertThat(first.permit.get().released()).isTrue();
        assertThat(load.activeRequests.get()).isZero();
        assertThat(limits.connectionsInUse()).isZero();
        Outcome second = acquire(limits);
        assertThat(second.permit.get()).isNotNull();
        assertThat(acquire(limits).waiting()).as("pending 0 means unlimited, so it waits").isTrue();
    }

    @Test
    void connectionPolicyComesFromTheRuleWithIstioDefaultsAndHttpIdleTimeoutFirst() {
        ConnectionPoolSettings pool = new ConnectionPoolSettings(
                new ConnectionPoolSettings.TcpSettings(null, Duration.ofMillis(250), null, null, Duration.ofMinutes(5)),
                new ConnectionPoolSettings.HttpSettings(null, null, 1, null, Duration.ofSeconds(30), null, null, null));
        assertThat(new ConnectionLimits(policy(pool), load).connectionPolicy())
                .isEqualTo(new ConnectionPolicy(Duration.ofMillis(250), Duration.ofSeconds(30), 1));

        ConnectionPoolSettings tcpIdle = new ConnectionPoolSettings(
                new ConnectionPoolSettings.TcpSettings(null, null, null, null, Duration.ofMinutes(5)), null);
        assertThat(new ConnectionLimits(policy(tcpIdle), load).connectionPolicy())
                .isEqualTo(new ConnectionPolicy(Duration.ofSeconds(10), Duration.ofMinutes(5), 0));

        ConnectionPoolSettings noIdle = new ConnectionPoolSettings(null,
                new ConnectionPoolSettings.HttpSettings(null, null, null, null, Duration.ZERO, null, null, null));
        assertThat(new ConnectionLimits(policy(noIdle), load).connectionPolicy().idleTimeout())
                .as("0 disables the idle timeout, as Envoy reads it").isEqualTo(ConnectionLimits.NO_IDLE_TIMEOUT);
    }

    /**
     * 64 threads hammer a pool of 4 connections and 8 pending places, releasing from other threads:
     * never more than 4 permits out, never more than 8 waiting, and every counter back to 0 at the end.
     */
    @Test
    void limitsHoldExactlyUnderConcurrency() throws Exception {
        ConnectionLimits limits = limits(4, 8, null);
        AtomicInteger inUse = new AtomicInteger();
        AtomicInteger maxInUse = new AtomicInteger();
        AtomicInteger maxPending = new AtomicInteger();
        AtomicInteger granted = new AtomicInteger();
        AtomicInteger overflowed = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        ExecutorService releasers = Executors.newFixedThreadPool(4);
        ExecutorService callers = Executors.newFixedThreadPool(64);
        int perCaller = 500;
        CountDownLatch done = new CountDownLatch(64 * perCaller);
        for (int caller = 0; caller < 64; caller++) {
            callers.execute(() -> {
                for (int i = 0; i < perCaller; i++) {
                    limits.acquire().subscribe(permit -> {
                        int now = inUse.incrementAndGet();
                        maxInUse.accumulateAndGet(now, Math::max);
                        maxPending.accumulateAndGet(load.pendingRequests.get(), Math::max);
                        granted.incrementAndGet();
                        releasers.execute(() -> {
                            inUse.decrementAndGet();
                            permit.release();
                            done.countDown();
                        });
                    }, error -> {
                        if (error instanceof MeshException.UpstreamOverflow) {
                            overflowed.incrementAndGet();
                        } else {
                            unexpected.add(error);
                        }
                        done.countDown();
                    });
                }
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        callers.shutdown();
        releasers.shutdown();
        assertThat(unexpected).isEmpty();
        assertThat(maxInUse.get()).isLessThanOrEqualTo(4);
        assertThat(maxPending.get()).isLessThanOrEqualTo(8);
        assertThat(granted.get() + overflowed.get()).isEqualTo(64 * perCaller);
        assertThat(load.activeRequests.get()).isZero();
        assertThat(load.pendingRequests.get()).isZero();
        assertThat(limits.connectionsInUse()).isZero();
    }
}
