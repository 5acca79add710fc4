package io.inmesh.core.model;

import java.time.Duration;

/**
 * A retry policy.
 *
 * @param attempts number of retries
 * @param perTryTimeout timeout of each try
 * @param retryOn comma-separated retry conditions
 * @param retryRemoteLocalities whether retries may go to other localities
 * @param retryIgnorePreviousHosts whether a retry avoids the hosts already tried
 * @param backoff base interval of the exponential back-off between retries
 */
public record HttpRetry(
        Integer attempts,
        Duration perTryTimeout,
        String retryOn,
        Boolean retryRemoteLocalities,
        Boolean retryIgnorePreviousHosts,
        Duration backoff) {
}
