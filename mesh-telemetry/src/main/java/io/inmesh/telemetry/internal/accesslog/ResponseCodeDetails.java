package io.inmesh.telemetry.internal.accesslog;

import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.telemetry.CallRecord;
import io.inmesh.telemetry.internal.CompletedCall;

/**
 * Envoy's {@code %RESPONSE_CODE_DETAILS%}: who decided the response code, in Envoy's words. Mapped
 * from the flag that decided a mesh failure:
 *
 * <ul>
 *   <li>{@code NR} → {@code route_not_found}; {@code NC} → {@code cluster_not_found};
 *       {@code UH} → {@code no_healthy_upstream}
 *   <li>{@code UF} → {@code upstream_reset_before_response_started{connection_failure}}
 *   <li>{@code UC} → {@code upstream_reset_before_response_started{connection_termination}}
 *   <li>{@code UO} (a circuit breaker refused) → {@code upstream_reset_before_response_started{overflow}}
 *   <li>{@code UT} → {@code response_timeout} for the route's timeout, {@code upstream_per_try_timeout}
 *       for a try's
 *   <li>{@code FI} → {@code fault_filter_abort}
 * </ul>
 *
 * A response from the upstream is {@code via_upstream} (with {@code DI}, {@code URX} or a retry
 * budget's {@code UO} too), a VirtualService's direct response or redirect {@code direct_response},
 * a call the caller abandoned {@code downstream_remote_disconnect}, and {@code -} when nothing answered.
 */
final class ResponseCodeDetails {

    static final String VIA_UPSTREAM = "via_upstream";

    private ResponseCodeDetails() {
    }

    static String of(CompletedCall call) {
        if (call.failure() instanceof MeshException failure) {
            return ofFlag(failure.flag(), failure.getMessage());
        }
        if (call.end() == CompletedCall.End.CANCELLED) {
            return "downstream_remote_disconnect";
        }
        if (call.status() == 0) {
            return null;
        }
        if (call.flags().contains(ResponseFlag.FI)) {
            return "fault_filter_abort";
        }
        for (ResponseFlag flag : call.flags()) {
            // A failure the mesh answered with a response rather than an error (MeshResponse.of(failure)).
            if (flag != ResponseFlag.DI && flag != ResponseFlag.URX && flag != ResponseFlag.UO) {
                return ofFlag(flag, "");
            }
        }
        CallRecord record = call.record();
        if (record.direction() == CallRecord.Direction.OUTBOUND && record.upstreamRequests() == 0) {
            return "direct_response";
        }
        return VIA_UPSTREAM;
    }

    private static String ofFlag(ResponseFlag flag, String message) {
        return switch (flag) {
            case NR -> "route_not_found";
            case NC -> "cluster_not_found";
            case UH -> "no_healthy_upstream";
            case UF -> "upstream_reset_before_response_started{connection_failure}";
            case UC -> "upstream_reset_before_response_started{connection_termination}";
            case UO -> "upstream_reset_before_response_started{overflow}";
            // The retry step's per-try timer says so in its reason; the route's timer does not.
            case UT -> message != null && message.contains("per-try") ? "upstream_per_try_timeout" : "response_timeout";
            case FI -> "fault_filter_abort";
            case DI, URX -> VIA_UPSTREAM;
        };
    }
}
