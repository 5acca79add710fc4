package io.inmesh.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.http.MeshException;
import io.inmesh.core.model.HttpRetry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Istio's translation of a route's {@code retries} into Envoy's retry policy, and Envoy's retry
 * conditions and jittered exponential back-off.
 */
class RetryPolicyTest {

    private static RetryPolicy of(Integer attempts, String retryOn) {
        return RetryPolicy.of(new HttpRetry(attempts, null, retryOn, null, null, null));
    }

    @Test
    void aRouteWithoutRetriesGetsIstiosDefault() {
        RetryPolicy policy = RetryPolicy.of(null);

        assertThat(policy).isEqualTo(RetryPolicy.ISTIO_DEFAULT);
        assertThat(policy.attempts()).isEqualTo(2);
        assertThat(policy.retryOn()).containsExactly("connect-failure", "refused-stream", "unavailable", "cancelled", "retriable-status-codes");
        assertThat(policy.retriableStatusCodes()).containsExactly(503);
        assertThat(policy.avoidPreviousHosts()).isTrue();
        assertThat(policy.describe()).isEqualTo("2 retries on connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes [503], back-off 25ms base");
    }

    @Test
    void attemptsZeroDisablesRetries() {
        assertThat(of(0, "5xx")).isEqualTo(RetryPolicy.NONE);
        assertThat(RetryPolicy.NONE.retriesResponse(503, null)).isFalse();
        assertThat(RetryPolicy.NONE.describe()).isEqualTo("none");
    }

    @Test
    void retryOnReplacesTheDefaultsAndNumbersBecomeRetriableStatusCodes() {
        RetryPolicy policy = of(3, "gateway-error, 418,429");

        assertThat(policy.retryOn()).containsExactly("gateway-error", "retriable-status-codes");
        assertThat(policy.retriableStatusCodes()).containsExactly(418, 429);
        assertThat(policy.retriesResponse(418, null)).isTrue();
        assertThat(policy.retriesResponse(503, null)).isTrue();
        assertThat(policy.retriesResponse(500, null)).isFalse();
    }

    @Test
    void attemptsWithoutRetryOnKeepIstiosDefaultConditions() {
        RetryPolicy policy = of(4, null);

        assertThat(policy.attempts()).isEqualTo(4);
        assertThat(policy.retryOn()).isEqualTo(RetryPolicy.ISTIO_DEFAULT.retryOn());
    }

    @Test
    void envoysStatusConditions() {
        assertThat(of(1, "5xx").retriesResponse(500, null)).isTrue();
        assertThat(of(1, "5xx").retriesResponse(404, null)).isFalse();
        assertThat(of(1, "gateway-error").retriesResponse(502, null)).isTrue();
        assertThat(of(1, "gateway-error").retriesResponse(501, null)).isFalse();
        assertThat(of(1, "retriable-4xx").retriesResponse(409, null)).isTrue();
        assertThat(of(1, "retriable-4xx").retriesResponse(429, null)).isFalse();
        assertThat(of(1, "unavailable").retriesResponse(200, new DefaultHttpHeaders().set("grpc-status", "14"))).isTrue();
        assertThat(of(1, "cancelled").retriesResponse(200, new DefaultHttpHeaders().set("grpc-status", "14"))).isFalse();
    }

    @Test
    void envoysFailureConditions() {
        MeshException refused = new MeshException.UpstreamConnectFailure("refused", null);
        MeshException reset = new MeshException.UpstreamReset("reset", null);
        MeshException timedOut = new MeshException.UpstreamTimeout("per-try timeout");
        MeshException overflow = new MeshException.UpstreamOverflow("pool full");

        assertThat(of(1, "connect-failure").retriesFailure(refused)).isTrue();
        assertThat(of(1, "connect-failure").retriesFailure(reset)).isFalse();
        assertThat(of(1, "reset").retriesFailure(reset)).isTrue();
        assertThat(of(1, "reset").retriesFailure(refused)).isTrue();
        assertThat(of(1, "5xx").retriesFailure(timedOut)).isTrue();
        assertThat(of(1, "retriable-status-codes,503").retriesFailure(timedOut)).isFalse();
        assertThat(of(1, "5xx").retriesFailure(overflow)).as("an overflow is never retried").isFalse();
        assertThat(of(1, "5xx").retriesFailure(new IllegalStateException("bug"))).isFalse();
    }

    @Test
    void backOffIsJitteredExponentialFromTheBaseAndCappedAtTenTimesIt() {
        RetryPolicy policy = RetryPolicy.ISTIO_DEFAULT;
        Random random = new Random(7);
        long[] highest = new long[8];
        for (int i = 0; i < 5000; i++) {
            for (int retry = 1; retry < highest.length; retry++) {
                long millis = policy.backoff(retry, random).toMillis();
                long interval = Math.min(250, 25L << (retry - 1));
                assertThat(millis).isBetween(0L, interval - 1);
                highest[retry] = Math.max(highest[retry], millis);
            }
        }
        // The draws fill each interval: the highest is within a few ms of its top.
        assertThat(highest[1]).isEqualTo(24);
        assertThat(highest[2]).isEqualTo(49);
        assertThat(highest[5]).isBetween(245L, 249L);
        assertThat(highest[7]).isBetween(245L, 249L);
    }

    @Test
    void aRouteCanSetTheBackOffBaseAndThePerTryTimeout() {
        RetryPolicy policy = RetryPolicy.of(new HttpRetry(2, Duration.ofMillis(300), "5xx", null, false, Duration.ofMillis(100)));

        assertThat(policy.backoffBase()).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoffMax()).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.perTryTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(policy.avoidPreviousHosts()).isFalse();
        assertThat(policy.describe()).isEqualTo("2 retries on 5xx, per try 300ms, back-off 100ms base, may repeat an endpoint");
    }
}
