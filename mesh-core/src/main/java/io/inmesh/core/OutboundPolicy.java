package io.inmesh.core;

import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import io.inmesh.core.model.Sidecar;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the workload may call: Istio's outbound traffic policy, from the Sidecar resource that
 * applies to the workload (one whose {@code workloadSelector} selects it in its namespace, else the
 * namespace's Sidecar without selector, else the root namespace's), or the mesh-wide default.
 *
 * @param mode {@code ALLOW_ANY} or {@code REGISTRY_ONLY}
 * @param decidedBy where the mode comes from, for messages: {@code Sidecar/bookinfo/default} or {@code the mesh default}
 */
public record OutboundPolicy(Sidecar.OutboundTrafficPolicy.Mode mode, String decidedBy) {

    /** Istio's root namespace, whose Sidecar without selector applies to every namespace without one. */
    public static final String ROOT_NAMESPACE = "istio-system";

    public OutboundPolicy {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(decidedBy, "decidedBy");
    }

    /** Whether only hosts the registry knows may be called. */
    public boolean registryOnly() {
        return mode == Sidecar.OutboundTrafficPolicy.Mode.REGISTRY_ONLY;
    }

    /** The policy for {@code workload} under {@code config}, falling back to {@code meshDefault}. */
    public static OutboundPolicy compile(MeshConfig config, LocalWorkload workload, Sidecar.OutboundTrafficPolicy.Mode meshDefault) {
        Resource<Sidecar> sidecar = applicableSidecar(config.resources(ResourceKind.SIDECAR, Sidecar.class), workload);
        if (sidecar != null && sidecar.spec().outboundTrafficPolicy() != null && sidecar.spec().outboundTrafficPolicy().mode() != null) {
            return new OutboundPolicy(sidecar.spec().outboundTrafficPolicy().mode(), sidecar.key());
        }
        return new OutboundPolicy(meshDefault, "the mesh default");
    }

    private static Resource<Sidecar> applicableSidecar(List<Resource<Sidecar>> sidecars, LocalWorkload workload) {
        Resource<Sidecar> namespaceDefault = null;
        Resource<Sidecar> rootDefault = null;
        for (Resource<Sidecar> sidecar : sidecars) {
            boolean hasSelector = sidecar.spec().workloadSelector() != null && !sidecar.spec().workloadSelector().labels().isEmpty();
            if (sidecar.namespace().equals(workload.namespace())) {
                if (hasSelector && selects(sidecar.spec().workloadSelector().labels(), workload.labels())) {
                    return sidecar;
                }
                if (!hasSelector && namespaceDefault == null) {
                    namespaceDefault = sidecar;
                }
            } else if (sidecar.namespace().equals(ROOT_NAMESPACE) && !hasSelector && rootDefault == null) {
                rootDefault = sidecar;
            }
        }
        return namespaceDefault != null ? namespaceDefault : rootDefault;
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return labels.entrySet().containsAll(selector.entrySet());
    }
}
