package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.FieldChecks.at;
import static io.inmesh.core.internal.validation.FieldChecks.list;
import static io.inmesh.core.internal.validation.FieldChecks.quote;

import io.inmesh.core.config.Hosts;
import io.inmesh.core.internal.yaml.DiagnosticCollector;
import io.inmesh.core.model.Destination;
import io.inmesh.core.model.DestinationRule;
import io.inmesh.core.model.HttpMatchRequest;
import io.inmesh.core.model.HttpMirrorPolicy;
import io.inmesh.core.model.HttpRoute;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import io.inmesh.core.model.ServiceEntry;
import io.inmesh.core.model.Subset;
import io.inmesh.core.model.VirtualService;
import io.inmesh.core.model.WorkloadEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The checks that need every resource at once, as {@code istioctl analyze} makes them: duplicate
 * resources, subsets and hosts that nothing defines, gateways that do not exist, and hosts claimed by
 * two VirtualServices or two DestinationRules of a namespace.
 *
 * <p>inmesh has no Kubernetes service registry, so a host that resolves to
 * {@code *.svc.cluster.local} is taken to be a Kubernetes service.
 */
final class CrossResourceChecks {

    private static final String KUBERNETES_SUFFIX = ".svc." + Hosts.DEFAULT_DOMAIN;

    private final DiagnosticCollector diagnostics;
    /** The DestinationRules that apply, by resolved host; those for wildcard hosts by their pattern. */
    private final Map<String, List<DestinationRule>> rulesByHost = new LinkedHashMap<>();
    private final Map<String, List<DestinationRule>> rulesByWildcard = new LinkedHashMap<>();
    private final Set<String> knownHosts = new HashSet<>();
    private final List<String> knownHostPatterns = new ArrayList<>();
    private final Set<String> gateways = new HashSet<>();

    private CrossResourceChecks(DiagnosticCollector diagnostics) {
        this.diagnostics = diagnostics;
    }

    static void validate(List<Resource<?>> resources, DiagnosticCollector diagnostics) {
        CrossResourceChecks checks = new CrossResourceChecks(diagnostics);
        checks.duplicateResources(resources);
        checks.index(resources);
        Map<String, Resource<?>> virtualServiceHosts = new HashMap<>();
        for (Resource<?> resource : resources) {
            if (resource.kind() == ResourceKind.VIRTUAL_SERVICE) {
                FieldChecks check = new FieldChecks(resource, diagnostics);
                VirtualService spec = resource.spec(VirtualService.class);
                checks.references(check, spec);
                checks.hostsClaimedTwice(check, spec, virtualServiceHosts);
            }
        }
    }

    private void duplicateResources(List<Resource<?>> resources) {
        Map<String, Resource<?>> byKey = new HashMap<>();
        for (Resource<?> resource : resources) {
            Resource<?> first = byKey.putIfAbsent(resource.key(), resource);
            if (first != null) {
                new FieldChecks(resource, diagnostics).error("metadata.name",
                        "another " + resource.key() + ", first defined at " + first.location(), "each kind, namespace and name once");
            }
        }
    }

    /** Collects DestinationRules (warning about a second one for a host), known hosts and gateways. */
    private void index(List<Resource<?>> resources) {
        Map<String, Resource<?>> ruleByHost = new HashMap<>();
        for (Resource<?> resource : resources) {
            switch (resource.kind()) {
                case DESTINATION_RULE -> {
                    DestinationRule rule = resource.spec(DestinationRule.class);
                    if (rule.host() == null) {
                        continue;
                    }
                    String host = resolve(rule.host(), resource.namespace());
                    Resource<?> first = rule.workloadSelector() != null ? null : ruleByHost.putIfAbsent(resource.namespace() + "/" + host, resource);
                    if (first != null && first.key().equals(resource.key())) {
                        continue; // a duplicate resource, already an error
                    }
                    if (first != null) {
                        new FieldChecks(resource, diagnostics).warning("spec.host", quote(rule.host()) + " is also the host of " + first.key(),
                                "one DestinationRule per host in a namespace; only the first in read order applies");
                    } else {
                        (Hosts.isWildcard(host) ? rulesByWildcard : rulesByHost).computeIfAbsent(host, h -> new ArrayList<>()).add(rule);
                    }
                }
                case SERVICE_ENTRY -> {
                    for (String host : list(resource.spec(ServiceEntry.class).hosts())) {
                        if (Hosts.isWildcard(host)) {
                            knownHostPatterns.add(host);
                        } else {
                            knownHosts.add(normalize(host));
                        }
                    }
                }
                case WORKLOAD_ENTRY -> {
                    String address = resource.spec(WorkloadEntry.class).address();
                    if (address != null) {
                        knownHosts.add(normalize(address));
                    }
                }
                case GATEWAY -> gateways.add(resource.namespace() + "/" + resource.name());
                default -> {
                }
            }
        }
    }

    private void references(FieldChecks check, VirtualService spec) {
        gatewayReferences(check, "spec.gateways", list(spec.gateways()));
        List<HttpRoute> routes = list(spec.http());
        for (int i = 0; i < routes.size(); i++) {
            String path = at("spec.http", i);
            HttpRoute route = routes.get(i);
            for (int k = 0; k < list(route.route()).size(); k++) {
                destination(check, at(path + ".route", k) + ".destination", route.route().get(k).destination());
            }
            destination(check, path + ".mirror", route.mirror());
            List<HttpMirrorPolicy> mirrors = list(route.mirrors());
            for (int k = 0; k < mirrors.size(); k++) {
                destination(check, at(path + ".mirrors", k) + ".destination", mirrors.get(k).destination());
            }
            List<HttpMatchRequest> matches = list(route.match());
            for (int j = 0; j < matches.size(); j++) {
                gatewayReferences(check, at(path + ".match", j) + ".gateways", list(matches.get(j).gateways()));
            }
        }
    }

    private void destination(FieldChecks check, String path, Destination destination) {
        if (destination == null || destination.host() == null || !Formats.isWildcardDomain(destination.host())
                || Hosts.isWildcard(destination.host())) {
            return;
        }
        String host = resolve(destination.host(), check.namespace());
        if (!isKnown(host)) {
            check.warning(path + ".host", quote(destination.host()), "a ServiceEntry host or a Kubernetes service such as reviews.bookinfo"
                    + KUBERNETES_SUFFIX + "; no resource defines " + host);
        }
        if (destination.subset() == null) {
            return;
        }
        List<DestinationRule> rules = new ArrayList<>(rulesByHost.getOrDefault(host, List.of()));
        rulesByWildcard.forEach((pattern, wildcardRules) -> {
            if (Hosts.matches(pattern, host)) {
                rules.addAll(wildcardRules);
            }
        });
        Set<String> defined = new LinkedHashSet<>();
        rules.forEach(rule -> list(rule.subsets()).stream().map(Subset::name).forEach(defined::add));
        if (!defined.contains(destination.subset())) {
            // A warning, as in Istio: the rules are accepted and requests routed here fail with 503
            // until a DestinationRule defines the subset. `mesh validate --strict` makes it an error.
            check.warning(path + ".subset", "subset " + quote(destination.subset()), (!rules.isEmpty()
                    ? "one of the subsets the DestinationRules for host " + host + " define: " + String.join(", ", defined)
                    : "a DestinationRule for host " + host + " that defines it; there is none")
                    + "; until then requests routed here fail with 503");
        }
    }

    private boolean isKnown(String host) {
        if (host.endsWith(KUBERNETES_SUFFIX) || Formats.isIpAddress(host) || knownHosts.contains(host)) {
            return true;
        }
        return knownHostPatterns.stream().anyMatch(pattern -> Hosts.matches(pattern, host));
    }

    private void gatewayReferences(FieldChecks check, String path, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            String gateway = gatewayKey(names.get(i), check.namespace());
            if (gateway != null && !gateways.contains(gateway)) {
                check.warning(at(path, i), quote(names.get(i)), "a Gateway; there is no Gateway/" + gateway);
            }
        }
    }

    /** A gateway reference as {@code namespace/name}, as Istio resolves it; {@code null} for {@code mesh}. */
    private static String gatewayKey(String reference, String namespace) {
        if (reference.equals("mesh")) {
            return null;
        }
        int slash = reference.indexOf('/');
        if (slash >= 0) {
            String referenced = reference.substring(0, slash);
            return (referenced.equals(".") ? namespace : referenced) + "/" + reference.substring(slash + 1);
        }
        String[] parts = reference.split("\\.");
        return parts.length > 1 ? parts[1] + "/" + parts[0] : namespace + "/" + reference;
    }

    /** Warns when a host, on the same gateway or the mesh, already belongs to an earlier VirtualService. */
    private void hostsClaimedTwice(FieldChecks check, VirtualService spec, Map<String, Resource<?>> claimed) {
        List<String> scopes = new ArrayList<>();
        for (String reference : list(spec.gateways())) {
            scopes.add(reference.equals("mesh") ? "mesh" : gatewayKey(reference, check.namespace()));
        }
        if (scopes.isEmpty()) {
            scopes.add("mesh");
        }
        List<String> hosts = list(spec.hosts());
        for (int i = 0; i < hosts.size(); i++) {
            String host = resolve(hosts.get(i), check.namespace());
            for (String scope : scopes) {
                Resource<?> first = claimed.putIfAbsent(scope + "|" + host, check.resource());
                if (first != null && first != check.resource() && !first.key().equals(check.resource().key())) {
                    check.warning(at("spec.hosts", i), quote(hosts.get(i)) + " is also a host of " + first.key(),
                            "one VirtualService per host; only the first in read order applies");
                    break;
                }
            }
        }
    }

    private static String resolve(String host, String namespace) {
        return normalize(Hosts.resolve(host, namespace));
    }

    private static String normalize(String host) {
        return host.toLowerCase(Locale.ROOT);
    }
}
