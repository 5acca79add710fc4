package io.inmesh.controlplane;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.OutboundPolicy;
import io.inmesh.core.config.Hosts;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.AuthorizationPolicy;
import io.inmesh.core.model.DestinationRule;
import io.inmesh.core.model.Gateway;
import io.inmesh.core.model.LabelSelector;
import io.inmesh.core.model.RequestAuthentication;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import io.inmesh.core.model.ServiceEntry;
import io.inmesh.core.model.Sidecar;
import io.inmesh.core.model.VirtualService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which resources of a rule set concern one workload, as Istio scopes what it pushes to a proxy: a
 * pure function of the resources and the workload's identity (namespace, name, labels).
 *
 * <p>The rules are conservative, because a missing resource breaks routing while an extra one only
 * costs bytes: a resource is left out only when Istio would certainly not apply it to the workload.
 * <ul>
 *   <li><b>VirtualService, ServiceEntry</b>: out when their {@code exportTo} hides them from the
 *       workload's namespace (none or {@code *}: every namespace; {@code .}: their own; {@code ~}: none;
 *       otherwise the namespaces named), or when the Sidecar that applies to the workload has egress
 *       listeners and none of their {@code namespace/host} entries imports one of the resource's
 *       hosts from the resource's namespace. A VirtualService without hosts (a delegate) stays in.</li>
 *   <li><b>DestinationRule</b>: out when {@code exportTo} hides it, or when its {@code workloadSelector}
 *       does not select the workload (a DestinationRule with a selector applies only to workloads of
 *       its own namespace). Sidecar egress hosts do not filter DestinationRules.</li>
 *   <li><b>Sidecar</b>: those of the workload's namespace and of the root namespace
 *       ({@value OutboundPolicy#ROOT_NAMESPACE}); the workload picks the one that applies.</li>
 *   <li><b>AuthorizationPolicy, RequestAuthentication</b>: those of the root namespace, and those of
 *       the workload's namespace unless their {@code selector} selects other workloads.</li>
 *   <li><b>Gateway</b>: out when its {@code selector} names labels the workload lacks.</li>
 *   <li><b>PeerAuthentication, WorkloadEntry</b>: always in (a caller's mTLS choice depends on its
 *       peers' PeerAuthentication; WorkloadEntries are endpoints of services in any namespace).</li>
 * </ul>
 *
 * <p>The Sidecar that applies is chosen as {@link OutboundPolicy} chooses it: those of the workload's
 * namespace whose {@code workloadSelector} selects it, else those of the namespace without selector,
 * else those of the root namespace without selector; when several qualify, their egress hosts are
 * joined. Immutable and thread-safe.
 */
public final class WorkloadScope {

    private final LocalWorkload workload;
    /** The egress {@code namespace/host} entries of the applicable Sidecars, or {@code null} when nothing restricts egress. */
    private final List<String> egressHosts;
    private final String sidecarNamespace;

    private WorkloadScope(LocalWorkload workload, List<String> egressHosts, String sidecarNamespace) {
        this.workload = workload;
        this.egressHosts = egressHosts;
        this.sidecarNamespace = sidecarNamespace;
    }

    /** The scope of {@code workload} under the resources of {@code config}. */
    public static WorkloadScope of(MeshConfig config, LocalWorkload workload) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(workload, "workload");
        List<Resource<Sidecar>> applicable = applicableSidecars(config.resources(ResourceKind.SIDECAR, Sidecar.class), workload);
        List<String> hosts = new ArrayList<>();
        for (Resource<Sidecar> sidecar : applicable) {
            List<Sidecar.IstioEgressListener> egress = list(sidecar.spec().egress());
            if (egress.isEmpty()) {
                return new WorkloadScope(workload, null, null); // Istio's default egress: every host
            }
            for (Sidecar.IstioEgressListener listener : egress) {
                hosts.addAll(list(listener.hosts()));
            }
        }
        return applicable.isEmpty()
                ? new WorkloadScope(workload, null, null)
                : new WorkloadScope(workload, List.copyOf(hosts), applicable.get(0).namespace());
    }

    /** The part of {@code rules} that concerns {@code workload}. */
    public static ScopedRules select(PublishedRules rules, LocalWorkload workload) {
        WorkloadScope scope = of(rules.config(), workload);
        Set<String> included = new HashSet<>();
        for (Resource<?> resource : rules.config().resources()) {
            if (scope.includes(resource)) {
                included.add(resource.key());
            }
        }
        // Documents without a resource define nothing; they are left out.
        List<RuleDocument> documents = rules.documents().stream()
                .filter(document -> document.resource() != null && included.contains(document.resource()))
                .toList();
        return new ScopedRules(rules.version(), rules.hash(), rules.publishedAt(), workload, documents);
    }

    /** The workload this scope is for. */
    public LocalWorkload workload() {
        return workload;
    }

    /** Whether {@code resource} may concern the workload (see the class comment for the rules). */
    public boolean includes(Resource<?> resource) {
        String namespace = resource.namespace();
        return switch (resource.kind()) {
            case VIRTUAL_SERVICE -> {
                VirtualService spec = resource.spec(VirtualService.class);
                yield exported(spec.exportTo(), namespace) && imported(namespace, list(spec.hosts()));
            }
            case SERVICE_ENTRY -> {
                ServiceEntry spec = resource.spec(ServiceEntry.class);
                yield exported(spec.exportTo(), namespace) && imported(namespace, list(spec.hosts()));
            }
            case DESTINATION_RULE -> {
                DestinationRule spec = resource.spec(DestinationRule.class);
                boolean selected = isEmpty(spec.workloadSelector())
                        || (namespace.equals(workload.namespace()) && selects(spec.workloadSelector().matchLabels()));
                yield selected && exported(spec.exportTo(), namespace);
            }
            case SIDECAR -> namespace.equals(workload.namespace()) || namespace.equals(OutboundPolicy.ROOT_NAMESPACE);
            case AUTHORIZATION_POLICY ->
                    appliesHere(namespace, resource.spec(AuthorizationPolicy.class).selector());
            case REQUEST_AUTHENTICATION ->
                    appliesHere(namespace, resource.spec(RequestAuthentication.class).selector());
            case GATEWAY -> {
                Map<String, String> selector = resource.spec(Gateway.class).selector();
                yield selector == null || selects(selector);
            }
            case PEER_AUTHENTICATION, WORKLOAD_ENTRY -> true;
        };
    }

    /** A server-side policy: the root namespace's apply everywhere, the namespace's to the workloads it selects. */
    private boolean appliesHere(String namespace, LabelSelector selector) {
        if (namespace.equals(OutboundPolicy.ROOT_NAMESPACE)) {
            return true;
        }
        return namespace.equals(workload.namespace()) && (isEmpty(selector) || selects(selector.matchLabels()));
    }

    private boolean exported(List<String> exportTo, String ownNamespace) {
        List<String> entries = list(exportTo);
        if (entries.isEmpty() || entries.contains("*")) {
            return true;
        }
        for (String entry : entries) {
            if ((entry.equals(".") && ownNamespace.equals(workload.namespace())) || entry.equals(workload.namespace())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the Sidecar's egress hosts import one of {@code hosts} of a resource in {@code namespace}:
     * an entry {@code ns/dnsName} whose {@code ns} is {@code *}, {@code .} (the Sidecar's namespace, or the
     * workload's for a root-namespace Sidecar: either counts) or
     * that namespace, and whose {@code dnsName} is {@code *} or overlaps one of the hosts.
     */
    private boolean imported(String namespace, List<String> hosts) {
        if (egressHosts == null || hosts.isEmpty()) {
            return true;
        }
        for (String entry : egressHosts) {
            int slash = entry.indexOf('/');
            String entryNamespace = slash < 0 ? "*" : entry.substring(0, slash);
            String dnsName = slash < 0 ? entry : entry.substring(slash + 1);
            boolean namespaceMatches = entryNamespace.equals("*") || entryNamespace.equals(namespace)
                    || (entryNamespace.equals(".") && (namespace.equals(sidecarNamespace) || namespace.equals(workload.namespace())));
            if (!namespaceMatches) {
                continue;
            }
            if (dnsName.equals("*")) {
                return true;
            }
            for (String host : hosts) {
                // Both as written and resolved: when unsure whether Istio would qualify a short name, include.
                String resolved = Hosts.resolve(host, namespace);
                if (Hosts.overlap(dnsName, host) || Hosts.overlap(dnsName, resolved)
                        || Hosts.overlap(Hosts.resolve(dnsName, namespace), resolved)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean selects(Map<String, String> selector) {
        return selector == null || workload.labels().entrySet().containsAll(selector.entrySet());
    }

    private static boolean isEmpty(LabelSelector selector) {
        return selector == null || selector.matchLabels() == null || selector.matchLabels().isEmpty();
    }

    private static List<Resource<Sidecar>> applicableSidecars(List<Resource<Sidecar>> sidecars, LocalWorkload workload) {
        List<Resource<Sidecar>> selecting = new ArrayList<>();
        List<Resource<Sidecar>> namespaceDefaults = new ArrayList<>();
        List<Resource<Sidecar>> rootDefaults = new ArrayList<>();
        for (Resource<Sidecar> sidecar : sidecars) {
            Map<String, String> selector = sidecar.spec().workloadSelector() == null ? null : sidecar.spec().workloadSelector().labels();
            boolean hasSelector = selector != null && !selector.isEmpty();
            if (sidecar.namespace().equals(workload.namespace())) {
                if (!hasSelector) {
                    namespaceDefaults.add(sidecar);
                } else if (workload.labels().entrySet().containsAll(selector.entrySet())) {
                    selecting.add(sidecar);
                }
            } else if (sidecar.namespace().equals(OutboundPolicy.ROOT_NAMESPACE) && !hasSelector) {
                rootDefaults.add(sidecar);
            }
        }
        return !selecting.isEmpty() ? selecting : !namespaceDefaults.isEmpty() ? namespaceDefaults : rootDefaults;
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
