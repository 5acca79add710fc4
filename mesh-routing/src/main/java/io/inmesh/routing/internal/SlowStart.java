package io.inmesh.routing.internal;

import io.inmesh.core.model.LoadBalancerSettings;
import java.time.Duration;

/**
 * Envoy's slow start, which Istio configures with {@code warmupDurationSecs} or {@code warmup}: for
 * the window after an endpoint was first seen its weight is scaled by
 * {@code max(minimumPercent / 100, timeFactor ^ (1 / aggression))}, where {@code timeFactor} is the
 * time since first seen (at least 1 ms) over the window. Defaults: minimum 10 %, aggression 1.0.
 *
 * @param windowNanos the warm-up window
 * @param minimumFactor the smallest share of its weight a warming endpoint gets, 0..1
 * @param aggression how fast the weight grows; 1.0 is linear
 */
record SlowStart(long windowNanos, double minimumFactor, double aggression) {

    static final double DEFAULT_MINIMUM_PERCENT = 10;
    static final double DEFAULT_AGGRESSION = 1.0;

    /** The slow start {@code settings} configure, or {@code null} when they set none; {@code warmup} wins over {@code warmupDurationSecs}. */
    static SlowStart of(LoadBalancerSettings settings) {
        if (settings == null) {
            return null;
        }
        LoadBalancerSettings.WarmupConfiguration warmup = settings.warmup();
        if (warmup != null && warmup.duration() != null && !warmup.duration().isZero()) {
            double minimum = warmup.minimumPercent() == null ? DEFAULT_MINIMUM_PERCENT : warmup.minimumPercent();
            double aggression = warmup.aggression() == null || warmup.aggression() <= 0 ? DEFAULT_AGGRESSION : warmup.aggression();
            return new SlowStart(warmup.duration().toNanos(), Math.max(0, Math.min(100, minimum)) / 100, aggression);
        }
        Duration window = settings.warmupDurationSecs();
        if (window == null || window.isZero() || window.isNegative()) {
            return null;
        }
        return new SlowStart(window.toNanos(), DEFAULT_MINIMUM_PERCENT / 100, DEFAULT_AGGRESSION);
    }

    /** Whether an endpoint first seen at {@code firstSeenNanos} is still warming up at {@code nowNanos}. */
    boolean warming(long firstSeenNanos, long nowNanos) {
        return nowNanos - firstSeenNanos < windowNanos;
    }

    /** The share of its weight an endpoint first seen at {@code firstSeenNanos} gets at {@code nowNanos}: 1 once warm. */
    double factor(long firstSeenNanos, long nowNanos) {
        long age = nowNanos - firstSeenNanos;
        if (age >= windowNanos) {
            return 1.0;
        }
        double timeFactor = (double) Math.max(1_000_000L, age) / windowNanos;
        double scaled = aggression == 1.0 ? timeFactor : Math.pow(timeFactor, 1.0 / aggression);
        return Math.max(minimumFactor, scaled);
    }
}
