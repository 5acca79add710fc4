package io.inmesh.core.model;

import java.time.Duration;

/**
 * How endpoints are chosen: one of simple or consistentHash, with locality and warm-up settings.
 *
 * @param simple a simple algorithm
 * @param consistentHash a consistent hash
 * @param localityLbSetting locality weighting and failover
 * @param warmupDurationSecs slow-start window for new endpoints
 * @param warmup slow-start settings
 */
public record LoadBalancerSettings(
        SimpleLb simple,
        ConsistentHashLb consistentHash,
        LocalityLoadBalancerSetting localityLbSetting,
        Duration warmupDurationSecs,
        WarmupConfiguration warmup) {

    /** Simple load balancing algorithms. */
    public enum SimpleLb {
        UNSPECIFIED,
        LEAST_CONN,
        RANDOM,
        PASSTHROUGH,
        ROUND_ROBIN,
        LEAST_REQUEST
    }

    /**
     * Slow start of new endpoints.
     *
     * @param duration how long an endpoint warms up
     * @param minimumPercent share of traffic at the start of warm-up
     * @param aggression how fast traffic grows during warm-up
     */
    public record WarmupConfiguration(Duration duration, Double minimumPercent, Double aggression) {
    }
}
