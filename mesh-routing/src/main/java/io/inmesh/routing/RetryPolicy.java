package io.inmesh.routing;

import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.model.HttpRetry;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * A route's retry policy as Envoy applies it: how many retries, on which conditions, with which
 * back-off, and whether a retry avoids the endpoints already tried.
 *
 * <p>{@link #of(HttpRetry)} follows Istio's translation: a route without {@code retries} gets
 * Istio's default policy ({@link #ISTIO_DEFAULT}: 2 retries on {@code connect-failure},
 * {@code refused-stream}, {@code unavailable}, {@code cancelled} and status 503); {@code attempts: 0}
 * disables retries; a policy that sets {@code retryOn} replaces the default conditions, and a numeric
 * condition adds {@code retriable-status-codes}.
 *
 * @param attempts the number of retries after the first try; 0 disables retries
 * @param perTryTimeout the timeout of each try, or {@code null} for none (the route timeout still bounds the call)
 * @param retryOn Envoy's retry conditions ({@code 5xx}, {@code gateway-error}, {@code reset},
 *     {@code connect-failure}, {@code refused-stream}, {@code retriable-4xx},
 *     {@code retriable-status-codes}, and the gRPC conditions), in the order written
 * @param retriableStatusCodes the statuses retried under {@code retriable-status-codes}
 * @param backoffBase the base interval of the jittered exponential back-off (Envoy: 25 ms)
 * @param backoffMax the longest back-off (Envoy: ten times the base)
 * @param retryRemoteLocalities whether a retry may go to endpoints of other localities
 * @param avoidPreviousHosts whether a retry avoids the endpoints already tried (Istio: yes)
 */
public record RetryPolicy(
        int attempts,
        Duration perTryTimeout,
        Set<String> retryOn,
        Set<Integer> retriableStatusCodes,
        Duration backoffBase,
        Duration backoffMax,
        boolean retryRemoteLocalities,
        boolean avoidPreviousHosts) {

    /** Envoy's default base interval of the retry back-off. */
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(25);

    /**
     * Istio's default policy for a route that sets no {@code retries}: 2 retries on
     * {@code connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes} with 503,
     * to another endpoint, after a jittered back-off from 25 ms.
     */
    public static final RetryPolicy ISTIO_DEFAULT = new RetryPolicy(2, null,
            orderedSet(List.of("connect-failure", "refused-stream", "unavailable", "cancelled", "retriable-status-codes")),
            Set.of(503), DEFAULT_BACKOFF, DEFAULT_BACKOFF.multipliedBy(10), false, true);

    /** No retries. */
    public static final RetryPolicy NONE = new RetryPolicy(0, null, Set.of(), Set.of(), DEFAULT_BACKOFF,
            DEFAULT_BACKOFF.multipliedBy(10), false, true);

    public RetryPolicy {
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts " + attempts + " (expected >= 0)");
        }
        retryOn = orderedSet(retryOn);
        retriableStatusCodes = Collections.unmodifiableSet(new TreeSet<>(retriableStatusCodes));
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffMax, "backoffMax");
    }

    /** The policy of a route whose {@code retries} is {@code retries} ({@code null} when the route sets none). */
    public static RetryPolicy of(HttpRetry retries) {
        if (retries == null) {
            return ISTIO_DEFAULT;
        }
        if (retries.attempts() == null || retries.attempts() <= 0) {
            return NONE;
        }
        Set<String> retryOn = ISTIO_DEFAULT.retryOn();
        Set<Integer> codes = ISTIO_DEFAULT.retriableStatusCodes();
        if (retries.retryOn() != null && !retries.retryOn().isBlank()) {
            List<String> conditions = new ArrayList<>();
            Set<Integer> statuses = new TreeSet<>();
            for (String condition : retries.retryOn().split(",")) {
                String trimmed = condition.trim();
                if (!trimmed.isEmpty() && trimmed.chars().allMatch(Character::isDigit)) {
                    statuses.add(Integer.parseInt(trimmed));
                } else if (!trimmed.isEmpty()) {
                    conditions.add(trimmed);
                }
            }
            if (!statuses.isEmpty() && !conditions.contains("retriable-status-codes")) {
                conditions.add("retriable-status-codes");
            }
            retryOn = orderedSet(conditions);
            codes = statuses;
        }
        Duration base = retries.backoff() != null && !retries.backoff().isZero() ? retries.backoff() : DEFAULT_BACKOFF;
        return new RetryPolicy(retries.attempts(),
                retries.perTryTimeout() == null || retries.perTryTimeout().isZero() ? null : retries.perTryTimeout(),
                retryOn, codes, base, base.multipliedBy(10),
                Boolean.TRUE.equals(retries.retryRemoteLocalities()),
                retries.retryIgnorePreviousHosts() == null || retries.retryIgnorePreviousHosts());
    }

    /** Whether an upstream response with {@code status} (and, for gRPC, its {@code grpc-status}) is retried. */
    public boolean retriesResponse(int status, HttpHeaders headers) {
        if (attempts == 0) {
            return false;
        }
        if (status >= 500 && retryOn.contains("5xx")) {
            return true;
        }
        if ((status == 502 || status == 503 || status == 504) && retryOn.contains("gateway-error")) {
            return true;
        }
        if (status == 409 && retryOn.contains("retriable-4xx")) {
            return true;
        }
        if (retryOn.contains("retriable-status-codes") && retriableStatusCodes.contains(status)) {
            return true;
        }
        String grpcStatus = headers == null ? null : headers.get("grpc-status");
        if (grpcStatus != null) {
            return switch (grpcStatus.trim()) {
                case "1" -> retryOn.contains("cancelled");
                case "4" -> retryOn.contains("deadline-exceeded");
                case "8" -> retryOn.contains("resource-exhausted");
                case "13" -> retryOn.contains("internal");
                case "14" -> retryOn.contains("unavailable");
                default -> false;
            };
        }
        return false;
    }

    /**
     * Whether a try that failed without a response is retried: a connect failure ({@code UF}) under
     * {@code connect-failure}, and any failure to answer ({@code UF}, {@code UC}, a try's timeout
     * {@code UT}) under {@code 5xx}, {@code gateway-error} and {@code reset}, as Envoy decides. A
     * connection-pool overflow ({@code UO}) and the mesh's own refusals are never retried.
     */
    public boolean retriesFailure(Throwable failure) {
        if (attempts == 0 || !(failure instanceof MeshException mesh)) {
            return false;
        }
        ResponseFlag flag = mesh.flag();
        boolean noAnswer = flag == ResponseFlag.UF || flag == ResponseFlag.UC || flag == ResponseFlag.UT;
        if (!noAnswer) {
            return false;
        }
        if (retryOn.contains("5xx") || retryOn.contains("gateway-error") || retryOn.contains("reset")) {
            return true;
        }
        if (flag == ResponseFlag.UF && retryOn.contains("connect-failure")) {
            return true;
        }
        return flag == ResponseFlag.UC && retryOn.contains("refused-stream") && mesh.getMessage().contains("REFUSED_STREAM");
    }

    /**
     * The back-off before retry number {@code retry} (1 for the first retry), as Envoy's jittered
     * exponential back-off draws it: uniformly from {@code [0, base × 2^(retry-1))}, the interval capped
     * at {@link #backoffMax()}.
     */
    public Duration backoff(int retry, RandomGenerator random) {
        long base = Math.max(1, backoffBase.toMillis());
        long max = Math.max(base, backoffMax.toMillis());
        long interval = retry >= 62 ? max : Math.min(max, base << Math.max(0, retry - 1));
        return Duration.ofMillis(random.nextLong(interval));
    }

    /** {@code 2 retries on connect-failure,refused-stream,… (503), per try 1s}. */
    public String describe() {
        if (attempts == 0) {
            return "none";
        }
        StringBuilder text = new StringBuilder().append(attempts).append(attempts == 1 ? " retry" : " retries")
                .append(" on ").append(String.join(",", retryOn));
        if (!retriableStatusCodes.isEmpty()) {
            text.append(" ").append(retriableStatusCodes);
        }
        if (perTryTimeout != null) {
            text.append(", per try ").append(io.inmesh.core.config.Durations.format(perTryTimeout));
        }
        text.append(", back-off ").append(io.inmesh.core.config.Durations.format(backoffBase)).append(" base");
        if (!avoidPreviousHosts) {
            text.append(", may repeat an endpoint");
        }
        if (retryRemoteLocalities) {
            text.append(", remote localities allowed");
        }
        return text.toString();
    }

    private static Set<String> orderedSet(java.util.Collection<String> values) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(values));
    }
}
