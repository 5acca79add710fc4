package io.inmesh.telemetry.internal;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.MeshSnapshot;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.telemetry.CallRecord;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Set;

/**
 * A call that has ended, as every observer sees it.
 *
 * @param record what the steps recorded: route, destination, upstream, peer
 * @param request the request as it entered the stack (after observers' headers)
 * @param workload the workload this mesh runs in
 * @param snapshot the rules the call was decided by
 * @param status the response status, the failure's status for a mesh failure, 0 when no response
 *     was produced (the caller went away, or an unexpected error)
 * @param flags Envoy's response flags, empty when none
 * @param responseHeaders the response's headers; empty when there was no response
 * @param requestBytes request body bytes that passed the step
 * @param responseBytes response body bytes that passed the step
 * @param durationNanos from the call's start until its end
 * @param end how it ended
 * @param failure the error, for {@link End#FAILED}; else {@code null}
 */
public record CompletedCall(
        CallRecord record,
        MeshRequest request,
        LocalWorkload workload,
        MeshSnapshot snapshot,
        int status,
        Set<ResponseFlag> flags,
        HttpHeaders responseHeaders,
        long requestBytes,
        long responseBytes,
        long durationNanos,
        End end,
        Throwable failure) {

    /** How a call ended. */
    public enum End {
        /** The whole response body passed. */
        COMPLETED,
        /** The call or its response body failed. */
        FAILED,
        /** The caller cancelled before the end (Envoy's downstream disconnect). */
        CANCELLED
    }

    /**
     * Envoy's form of the flags: {@code UO,URX}, or {@code -} when none. A call its caller gave up on
     * (cancelled) also has Envoy's {@code DC}, downstream connection termination, which is how Envoy
     * reports a client that stopped waiting.
     */
    public String flagsText() {
        if (flags.isEmpty()) {
            return end == End.CANCELLED ? "DC" : "-";
        }
        StringBuilder text = new StringBuilder();
        for (ResponseFlag flag : ResponseFlag.values()) { // in a fixed order, as Envoy writes them
            if (flags.contains(flag)) {
                text.append(text.length() == 0 ? "" : ",").append(flag.name());
            }
        }
        if (end == End.CANCELLED) {
            text.append(",DC");
        }
        return text.toString();
    }
}
