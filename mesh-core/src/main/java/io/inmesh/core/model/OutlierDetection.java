package io.inmesh.core.model;

import java.time.Duration;

/**
 * Ejection of endpoints that keep failing.
 *
 * @param splitExternalLocalOriginErrors count local-origin failures apart from upstream errors
 * @param consecutiveLocalOriginFailures local-origin failures before ejection
 * @param consecutiveGatewayErrors gateway errors (502, 503, 504) before ejection
 * @param consecutive5xxErrors 5xx errors before ejection
 * @param interval time between ejection sweeps
 * @param baseEjectionTime minimum ejection time, multiplied by the number of ejections
 * @param maxEjectionPercent the most endpoints that may be ejected, in percent
 * @param minHealthPercent below this share of healthy endpoints, ejection is off (panic)
 * @param consecutiveErrors deprecated: errors before ejection
 */
public record OutlierDetection(
        Boolean splitExternalLocalOriginErrors,
        Integer consecutiveLocalOriginFailures,
        Integer consecutiveGatewayErrors,
        Integer consecutive5xxErrors,
        Duration interval,
        Duration baseEjectionTime,
        Integer maxEjectionPercent,
        Integer minHealthPercent,
        Integer consecutiveErrors) {
}
