package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.FieldChecks.at;
import static io.inmesh.core.internal.validation.FieldChecks.map;

import io.inmesh.core.model.PeerAuthentication;

/** Istio's checks of a PeerAuthentication: port-level modes need a selector and real ports. */
final class PeerAuthenticationValidator {

    private PeerAuthenticationValidator() {
    }

    static void validate(FieldChecks check, PeerAuthentication spec) {
        boolean selects = spec.selector() != null && !map(spec.selector().matchLabels()).isEmpty();
        if (!selects && !map(spec.portLevelMtls()).isEmpty()) {
            check.error("spec.portLevelMtls", "portLevelMtls without a selector",
                    "a selector with matchLabels; port-level modes apply only to selected workloads");
        }
        map(spec.portLevelMtls()).keySet().forEach(port -> check.port(at("spec.portLevelMtls", port), port));
        if (spec.selector() != null) {
            check.selector("spec.selector.matchLabels", spec.selector().matchLabels());
        }
    }
}
