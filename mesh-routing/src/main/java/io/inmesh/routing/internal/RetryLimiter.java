package io.inmesh.routing.internal;

import io.inmesh.core.model.ConnectionPoolSettings;
import io.inmesh.core.model.TrafficPolicy;
import io.inmesh.routing.ClusterPolicy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cap on retries under way at once towards one cluster, Envoy's {@code retries} circuit breaker
 * ({@link ClusterLoad#activeRetries}). A retry takes a slot when it is scheduled and gives it back
 * when its result is known (or the call ends), as Envoy's retry state does; a retry that finds no
 * slot is not made (Envoy's {@code upstream_rq_retry_overflow}) and the call ends with what the
 * last try gave, flagged {@code UO}.
 *
 * <p>The cap, in Envoy's order of precedence:
 * <ol>
 *   <li>the DestinationRule's {@code retryBudget}: {@code max(minRetryConcurrency, percent % of the
 *       active and pending requests)}, with Istio's defaults 20 % and 3 (a budget overrides
 *       {@code maxRetries}, as Envoy ignores {@code max_retries} when a retry budget is set);</li>
 *   <li>{@code connectionPool.http.maxRetries};</li>
 *   <li>neither: inmesh's default budget, 20 % of the active and pending requests with at least 3
 *       retries at once. <b>This differs from Istio</b>, whose default {@code maxRetries} is 2^32-1,
 *       in effect no cap: with every upstream failing, each call would then cost 1 + attempts
 *       requests, tripling the load on a service that is already down. A budget keeps retries a
 *       share of the traffic, so they never amplify load without bound, while the floor of 3 keeps
 *       occasional retries at low traffic.</li>
 * </ol>
 */
public final class RetryLimiter {

    /** Envoy's and Istio's default share of active requests that may be retries. */
    public static final double DEFAULT_BUDGET_PERCENT = 20.0;

    /** Envoy's and Istio's default floor of concurrent retries under a budget. */
    public static final int DEFAULT_MIN_RETRY_CONCURRENCY = 3;

    private final ClusterLoad load;
    private final AtomicInteger active;
    /** The fixed cap ({@code maxRetries}), or -1 under a budget. */
    private final int maxRetries;
    private final double budgetPercent;
    private final int minRetryConcurrency;
    private final String source;
    private final LongAdder overflows = new LongAdder();
    private final LongAdder granted = new LongAdder();

    RetryLimiter(ClusterPolicy policy, ClusterLoad load) {
        this.load = load;
        this.active = load.activeRetries;
        TrafficPolicy.RetryBudget budget = policy.retryBudget();
        ConnectionPoolSettings pool = policy.connectionPool();
        Integer configuredMax = pool == null || pool.http() == null ? null : pool.http().maxRetries();
        if (budget != null) {
            this.maxRetries = -1;
            this.budgetPercent = budget.percent() == null ? DEFAULT_BUDGET_PERCENT : budget.percent();
            this.minRetryConcurrency = budget.minRetryConcurrency() == null ? DEFAULT_MIN_RETRY_CONCURRENCY : budget.minRetryConcurrency();
            this.source = "retryBudget";
        } else if (configuredMax != null) {
            this.maxRetries = Math.max(0, configuredMax);
            this.budgetPercent = 0;
            this.minRetryConcurrency = 0;
            this.source = "maxRetries";
        } else {
            this.maxRetries = -1;
            this.budgetPercent = DEFAULT_BUDGET_PERCENT;
            this.minRetryConcurrency = DEFAULT_MIN_RETRY_CONCURRENCY;
            this.source = "inmesh default budget";
        }
    }

    /**
     * The number of retries allowed at once now: {@code maxRetries}, or the budget's share of the
     * requests active and pending towards the cluster, never below its floor.
     */
    public int limit() {
        if (maxRetries >= 0) {
            return maxRetries;
        }
        long outstanding = (long) load.activeRequests.get() + load.pendingRequests.get();
        long share = (long) (outstanding * budgetPercent / 100.0);
        return (int) Math.min(Integer.MAX_VALUE, Math.max(minRetryConcurrency, share));
    }

    /**
     * Takes a slot for one retry if the cap allows it; {@code false} (and one more overflow) when it
     * does not. A taken slot must be given back with {@link #release()}.
     */
    public boolean tryAcquire() {
        while (true) {
            int now = active.get();
            if (now >= limit()) {
                overflows.increment();
                return false;
            }
            if (active.compareAndSet(now, now + 1)) {
                granted.increment();
                return true;
            }
        }
    }

    /** Gives back a slot taken by {@link #tryAcquire()}. */
    public void release() {
        active.decrementAndGet();
    }

    /** Retries under way now. */
    public int active() {
        return active.get();
    }

    /** Retries refused so far for want of a slot (Envoy's {@code upstream_rq_retry_overflow}). */
    public long overflows() {
        return overflows.sum();
    }

    /** Retries allowed so far (Envoy's {@code upstream_rq_retry}). */
    public long retries() {
        return granted.sum();
    }

    /** {@code maxRetries 2}, {@code retryBudget 25% of active requests, at least 3}. */
    public String describe() {
        if (maxRetries >= 0) {
            return "maxRetries " + maxRetries;
        }
        String percent = java.math.BigDecimal.valueOf(budgetPercent).stripTrailingZeros().toPlainString();
        return source + " " + percent + "% of active requests, at least " + minRetryConcurrency;
    }
}
