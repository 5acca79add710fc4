package io.inmesh.routing.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One call's tries as the steps below the retry step see them: which try this is, the endpoints
 * already tried (so that a retry goes elsewhere when it can), and the timeout of each try. The
 * retry step makes one per call and advances it before each retry; the endpoint step reads it on
 * every try.
 */
public final class AttemptContext {

    private final Duration perTryTimeout;
    private final boolean avoidPreviousHosts;
    private final Set<String> tried = ConcurrentHashMap.newKeySet();
    private volatile int retry;
    private volatile int timedOutTry = -1;

    /**
     * @param perTryTimeout the timeout of each try, or {@code null}
     * @param avoidPreviousHosts whether a retry avoids the endpoints already tried
     */
    public AttemptContext(Duration perTryTimeout, boolean avoidPreviousHosts) {
        this.perTryTimeout = perTryTimeout;
        this.avoidPreviousHosts = avoidPreviousHosts;
    }

    /** 0 for the first try, then 1, 2, … for each retry. */
    public int retry() {
        return retry;
    }

    /** Records that the current try ran past its per-try timeout (before it is cancelled). */
    public void tryTimedOut() {
        timedOutTry = retry;
    }

    /** Whether try {@code retry} ran past its per-try timeout. */
    public boolean timedOut(int retry) {
        return timedOutTry == retry;
    }

    /** Moves on to the next retry. */
    public void nextRetry() {
        retry++;
    }

    /** The timeout of each try, or {@code null}. */
    public Duration perTryTimeout() {
        return perTryTimeout;
    }

    /** Whether {@code endpoint} ({@code address:port}) was tried before and a retry should avoid it. */
    public boolean avoid(String endpoint) {
        return avoidPreviousHosts && retry > 0 && tried.contains(endpoint);
    }

    /** Records that a try went to {@code endpoint} ({@code address:port}). */
    public void tried(String endpoint) {
        tried.add(endpoint);
    }
}
