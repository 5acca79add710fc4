package io.inmesh.telemetry.internal;

import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.telemetry.CallRecord;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * One kind of telemetry (metrics, traces, access logs) as the telemetry step drives it: told when
 * a call starts and when it has ended. Every method runs on the data path, usually on an event
 * loop: it must be quick, must not block, and should not throw (the step catches and counts what
 * it throws, and the call goes on).
 */
public interface CallObserver {

    /**
     * A call enters the stack. May return the request with headers added (trace context to
     * propagate, say); the default returns it as it is.
     *
     * @param call the call's record, which the inner steps fill in
     * @param request the request as it entered
     * @param context the Reactor context of the subscriber (an inbound call's span, say)
     */
    default MeshRequest onStart(CallRecord call, MeshRequest request, ContextView context) {
        return request;
    }

    /**
     * The Reactor context for what runs inside the call: for an inbound call the handler and the
     * outbound calls it makes, so that they can join this call's trace; the default adds nothing.
     */
    default Context inside(CallRecord call, Context context) {
        return context;
    }

    /** The call has ended: its response body was fully sent or received, or it failed or was cancelled. Called once. */
    void onEnd(CompletedCall call);
}
