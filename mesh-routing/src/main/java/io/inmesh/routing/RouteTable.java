package io.inmesh.routing;

import io.inmesh.core.config.Hosts;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.DestinationRule;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import io.inmesh.core.model.ServiceEntry;
import io.inmesh.core.model.VirtualService;
import io.inmesh.routing.internal.CompiledVirtualService;
import io.inmesh.routing.internal.DestinationRuleIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The routing rules of a validated {@link MeshConfig}, compiled for the request path: for every
 * host, the VirtualServices that may route it with their routes' matchers precompiled, and the
 * DestinationRules that define its subsets.
 *
 * <p>{@link #route} follows Istio's sidecar semantics: the request's host is resolved through the
 * caller's namespace as Kubernetes DNS would ({@code reviews} from {@code bookinfo} is
 * {@code reviews.bookinfo.svc.cluster.local}); an exact VirtualService host beats a wildcard, a longer
 * wildcard a shorter one; of several VirtualServices for the same host the first read is used, as
 * Istio uses the oldest; within a VirtualService the first matching route wins. Routing neither
 * parses nor compiles, and allocates nothing for configured routes.
 *
 * <p>Immutable and thread-safe.
 */
public final class RouteTable {

    private final Map<String, List<CompiledVirtualService>> exactHosts;
    private final List<WildcardHost> wildcardHosts;
    private final Set<String> serviceHosts;
    private final DestinationRuleIndex destinationRules;

    private record WildcardHost(String pattern, CompiledVirtualService virtualService) {
    }

    private RouteTable(MeshConfig config) {
        Map<String, Integer> singlePorts = new HashMap<>();
        Set<String> services = new java.util.HashSet<>();
        for (Resource<ServiceEntry> entry : config.resources(ResourceKind.SERVICE_ENTRY, ServiceEntry.class)) {
            for (String host : entry.spec().hosts()) {
                // Istio takes ServiceEntry hosts as written, never qualified with the namespace.
                String resolved = Hosts.normalize(host);
                services.add(resolved);
                if (entry.spec().ports().size() == 1 && entry.spec().ports().get(0).number() != null) {
                    singlePorts.putIfAbsent(resolved, entry.spec().ports().get(0).number());
                }
            }
        }
        this.serviceHosts = Set.copyOf(services);
        Map<String, List<CompiledVirtualService>> exact = new HashMap<>();
        List<WildcardHost> wildcards = new ArrayList<>();
        int order = 0;
        for (Resource<VirtualService> resource : config.resources(ResourceKind.VIRTUAL_SERVICE, VirtualService.class)) {
            CompiledVirtualService compiled = new CompiledVirtualService(resource, order++,
                    host -> singlePorts.getOrDefault(Hosts.normalize(host), 0));
            for (String host : resource.spec().hosts()) {
                String resolved = Hosts.normalize(Hosts.resolve(host, resource.namespace()));
                if (Hosts.isWildcard(resolved)) {
                    wildcards.add(new WildcardHost(resolved, compiled));
                } else {
                    exact.computeIfAbsent(resolved, h -> new ArrayList<>()).add(compiled);
                }
            }
        }
        exact.replaceAll((host, list) -> List.copyOf(list));
        this.exactHosts = Map.copyOf(exact);
        wildcards.sort(Comparator.comparingInt((WildcardHost w) -> -w.pattern().length())
                .thenComparingInt(w -> w.virtualService().order()));
        this.wildcardHosts = List.copyOf(wildcards);
        this.destinationRules = new DestinationRuleIndex(config.resources(ResourceKind.DESTINATION_RULE, DestinationRule.class));
    }

    /** Compiles the routing rules of {@code config}. */
    public static RouteTable compile(MeshConfig config) {
        return new RouteTable(Objects.requireNonNull(config, "config"));
    }

    /** Decides where {@code request}, made by {@code caller}, goes. */
    public RouteDecision route(RouteRequest request, Caller caller) {
        String host = Hosts.normalize(request.host());
        CompiledVirtualService virtualService = exactMatch(host, caller);
        String fqdn = null;
        if (virtualService == null) {
            fqdn = Hosts.qualify(host, caller.namespace());
            if (fqdn != null) {
                virtualService = exactMatch(fqdn, caller);
            }
        }
        if (virtualService == null) {
            virtualService = wildcardMatch(host, caller);
            if (virtualService == null && fqdn != null) {
                virtualService = wildcardMatch(fqdn, caller);
            }
        }
        if (virtualService != null) {
            return virtualService.route(request, caller);
        }
        // Without a rule the request goes to the host itself: a known service by its registry name, a
        // short name in the caller's namespace, anything else (an external name) as written.
        String destination;
        if (serviceHosts.contains(host) || fqdn == null) {
            destination = host;
        } else if (serviceHosts.contains(fqdn) || host.indexOf('.') < 0) {
            destination = fqdn;
        } else {
            destination = host;
        }
        return new RouteDecision(RouteDecision.Outcome.DEFAULT_ROUTE, null, null, -1, null,
                List.of(new WeightedDestination(destination, null, null, 100)));
    }

    /**
     * The subset of {@code host} (or with {@code subset == null} the whole service) as the
     * DestinationRule that governs it for {@code caller} defines it; {@code null} when no rule governs
     * the host or the rule has no such subset.
     */
    public ResolvedSubset resolveSubset(String host, String subset, Caller caller) {
        return destinationRules.resolve(host, subset, caller);
    }

    private CompiledVirtualService exactMatch(String host, Caller caller) {
        List<CompiledVirtualService> candidates = exactHosts.get(host);
        if (candidates == null) {
            return null;
        }
        for (CompiledVirtualService candidate : candidates) {
            if (candidate.appliesTo(caller)) {
                return candidate;
            }
        }
        return null;
    }

    private CompiledVirtualService wildcardMatch(String host, Caller caller) {
        for (WildcardHost wildcard : wildcardHosts) {
            if (Hosts.matches(wildcard.pattern(), host) && wildcard.virtualService().appliesTo(caller)) {
                return wildcard.virtualService();
            }
        }
        return null;
    }
}
