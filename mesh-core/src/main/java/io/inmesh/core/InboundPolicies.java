package io.inmesh.core;

import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.AuthorizationPolicy;
import io.inmesh.core.model.LabelSelector;
import io.inmesh.core.model.PeerAuthentication;
import io.inmesh.core.model.RequestAuthentication;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The security policies that apply to the local workload's inbound traffic and that this version of
 * inmesh cannot enforce yet: AuthorizationPolicies (other than AUDIT), RequestAuthentications, and a
 * STRICT PeerAuthentication. While any applies, the server stack refuses every request with 403
 * rather than let through what the policy would deny: security configuration fails closed.
 *
 * @param unenforced the policies, as {@code Kind/namespace/name}, with what they would do
 */
public record InboundPolicies(List<String> unenforced) {

    public InboundPolicies {
        unenforced = List.copyOf(unenforced);
    }

    /** Whether inbound requests must be refused. */
    public boolean refuseAll() {
        return !unenforced.isEmpty();
    }

    /** The policies of {@code config} that apply to {@code workload} and cannot be enforced. */
    public static InboundPolicies compile(MeshConfig config, LocalWorkload workload) {
        List<String> unenforced = new ArrayList<>();
        for (Resource<AuthorizationPolicy> policy : config.resources(ResourceKind.AUTHORIZATION_POLICY, AuthorizationPolicy.class)) {
            if (applies(policy, policy.spec().selector(), workload) && policy.spec().action() != AuthorizationPolicy.Action.AUDIT) {
                unenforced.add(policy.key() + " (authorization)");
            }
        }
        for (Resource<RequestAuthentication> policy : config.resources(ResourceKind.REQUEST_AUTHENTICATION, RequestAuthentication.class)) {
            if (applies(policy, policy.spec().selector(), workload)) {
                unenforced.add(policy.key() + " (JWT validation)");
            }
        }
        for (Resource<PeerAuthentication> policy : config.resources(ResourceKind.PEER_AUTHENTICATION, PeerAuthentication.class)) {
            if (applies(policy, policy.spec().selector(), workload) && requiresMutualTls(policy.spec())) {
                unenforced.add(policy.key() + " (STRICT mTLS)");
            }
        }
        return new InboundPolicies(unenforced);
    }

    private static boolean requiresMutualTls(PeerAuthentication spec) {
        boolean strict = spec.mtls() != null && spec.mtls().mode() == PeerAuthentication.MutualTls.Mode.STRICT;
        return strict || spec.portLevelMtls().values().stream()
                .anyMatch(mtls -> mtls != null && mtls.mode() == PeerAuthentication.MutualTls.Mode.STRICT);
    }

    /** A policy applies in its own namespace (to the workloads its selector picks) and, from the root namespace, everywhere. */
    private static boolean applies(Resource<?> policy, LabelSelector selector, LocalWorkload workload) {
        Map<String, String> labels = selector == null ? Map.of() : selector.matchLabels();
        boolean selects = workload.labels().entrySet().containsAll(labels.entrySet());
        if (policy.namespace().equals(workload.namespace())) {
            return selects;
        }
        return policy.namespace().equals(OutboundPolicy.ROOT_NAMESPACE) && labels.isEmpty();
    }
}
