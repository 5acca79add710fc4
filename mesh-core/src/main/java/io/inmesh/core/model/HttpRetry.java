package io.inmesh.core.model;

import java.time.Duration;

/**
 * A retry policy.
 *
 * @param attempts number of retries
 * @param perTryTimeout timeout of each try
 * @param retryOn comma-separated retry conditions
 * @param retryRemoteLocalities whether retries may go to other localities
 */
public record HttpRetry(
        Integer attempts,
        Duration perTryTimeout,
        String retryOn,
        Boolean retryRemoteLocalities) {
}
