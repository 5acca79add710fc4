package io.inmesh.core.model;

import java.util.List;
import java.util.Map;

/**
 * The spec of a PeerAuthentication: whether workloads accept plain text, mTLS or both.
 *
 * @param selector workloads it applies to
 * @param mtls the mode for all ports
 * @param portLevelMtls the mode per port
 * @param targetRef deprecated single target
 * @param targetRefs targets
 */
public record PeerAuthentication(
        LabelSelector selector,
        MutualTls mtls,
        Map<Integer, MutualTls> portLevelMtls,
        PolicyTargetReference targetRef,
        List<PolicyTargetReference> targetRefs) {

    /**
     * The mutual TLS mode.
     *
     * @param mode UNSET, DISABLE, PERMISSIVE or STRICT
     */
    public record MutualTls(Mode mode) {
        /** Mutual TLS modes. */
        public enum Mode {
            UNSET,
            DISABLE,
            PERMISSIVE,
            STRICT
        }
    }
}
