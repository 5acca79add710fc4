package io.inmesh.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.model.ConnectionPoolSettings;
import io.inmesh.core.model.TrafficPolicy;
import io.inmesh.routing.ClusterPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The cap on concurrent retries of one cluster: {@code maxRetries} when the DestinationRule sets it,
 * Istio's {@code retryBudget} (max(minRetryConcurrency, percent of active + pending requests)), and
 * inmesh's default budget (20 %, at least 3) when the rule sets neither.
 */
class RetryLimiterTest {

    private static ClusterPolicy policy(Integer maxRetries, TrafficPolicy.RetryBudget budget) {
        ConnectionPoolSettings pool = maxRetries == null ? null
                : new ConnectionPoolSettings(null, new ConnectionPoolSettings.HttpSettings(null, null, null, maxRetries, null, null, null, null));
        return new ClusterPolicy("reviews.bookinfo.svc.cluster.local|v1|9080", "bookinfo/reviews", null, pool, null, budget, null);
    }

    private static int acquireAll(RetryLimiter limiter) {
        int taken = 0;
        while (limiter.tryAcquire()) {
            taken++;
        }
        return taken;
    }

    @Test
    void maxRetriesIsAFixedCap() {
        ClusterLoad load = new ClusterLoad();
        RetryLimiter limiter = new RetryLimiter(policy(2, null), load);
        load.activeRequests.set(1000);

        assertThat(acquireAll(limiter)).isEqualTo(2);
        assertThat(load.activeRetries.get()).isEqualTo(2);
        assertThat(limiter.overflows()).isEqualTo(1);
        limiter.release();
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.describe()).isEqualTo("maxRetries 2");
    }

    @Test
    void maxRetriesZeroAllowsNoRetry() {
        assertThat(acquireAll(new RetryLimiter(policy(0, null), new ClusterLoad()))).isZero();
    }

    @Test
    void defaultBudgetIsTwentyPercentOfActiveAndPendingWithAFloorOfThree() {
        ClusterLoad load = new ClusterLoad();
        RetryLimiter limiter = new RetryLimiter(policy(null, null), load);

        assertThat(limiter.limit()).isEqualTo(3);
        load.activeRequests.set(10);
        assertThat(limiter.limit()).as("20% of 10 is 2, below the floor").isEqualTo(3);
        load.activeRequests.set(40);
        load.pendingRequests.set(10);
        assertThat(limiter.limit()).isEqualTo(10);
        assertThat(acquireAll(limiter)).isEqualTo(10);
        assertThat(limiter.describe()).isEqualTo("inmesh default budget 20% of active requests, at least 3");
    }

    @Test
    void retryBudgetUsesItsPercentAndFloor() {
        ClusterLoad load = new ClusterLoad();
        RetryLimiter limiter = new RetryLimiter(policy(null, new TrafficPolicy.RetryBudget(100.0, 1)), load);

        assertThat(limiter.limit()).isEqualTo(1);
        load.activeRequests.set(7);
        assertThat(limiter.limit()).isEqualTo(7);
        load.activeRequests.set(0);
        assertThat(new RetryLimiter(policy(null, new TrafficPolicy.RetryBudget(null, null)), load).limit())
                .as("Istio's defaults: 20%, at least 3").isEqualTo(3);
        assertThat(limiter.describe()).isEqualTo("retryBudget 100% of active requests, at least 1");
        assertThat(policy(null, new TrafficPolicy.RetryBudget(12.5, null)).describeRetryBudget())
                .as("what the route explainer prints").isEqualTo("12.5% of active requests, at least 3");
        assertThat(policy(2, null).describeRetryBudget()).isNull();
    }

    @Test
    void aBudgetOverridesMaxRetriesAsEnvoyIgnoresMaxRetriesUnderABudget() {
        ClusterLoad load = new ClusterLoad();
        load.activeRequests.set(50);
        RetryLimiter limiter = new RetryLimiter(policy(1, new TrafficPolicy.RetryBudget(10.0, 2)), load);

        assertThat(limiter.limit()).isEqualTo(5);
    }

    @Test
    void theCapHoldsUnderConcurrentCallers() throws Exception {
        ClusterLoad load = new ClusterLoad();
        RetryLimiter limiter = new RetryLimiter(policy(5, null), load);
        AtomicInteger highest = new AtomicInteger();
        AtomicInteger holding = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 20_000; i++) {
                    if (limiter.tryAcquire()) {
                        highest.accumulateAndGet(holding.incrementAndGet(), Math::max);
                        holding.decrementAndGet();
                        limiter.release();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (java.util.concurrent.Future<?> each : done) {
            each.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(highest.get()).isBetween(1, 5);
        assertThat(load.activeRetries.get()).isZero();
    }
}
