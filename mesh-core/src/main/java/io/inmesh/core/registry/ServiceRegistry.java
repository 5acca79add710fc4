package io.inmesh.core.registry;

import io.inmesh.core.config.MeshConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The mesh's services and their endpoints, compiled from the ServiceEntries and WorkloadEntries of a
 * validated {@link MeshConfig} the way Istio's ServiceEntry registry builds them. Immutable and
 * thread-safe; every lookup is a read of values computed by {@link #compile}.
 *
 * <p>Host lookups ignore case. An exact host wins over wildcard hosts; among wildcard hosts
 * ({@code *.example.com}) the most specific, the longest, wins, so {@code a.api.example.com} finds
 * {@code *.api.example.com} before {@code *.example.com}.
 *
 * <p>When several services carry a host (ServiceEntries in several namespaces, or in one namespace with
 * different resolution, labels, {@code workloadSelector} or {@code exportTo}), the one read first is the
 * service of {@link #service(String)}, as Istio prefers the oldest; {@link #service(String, String)}
 * chooses among those a namespace can see, as Istio's default Sidecar scope does.
 */
public final class ServiceRegistry {

    private static final ServiceRegistry EMPTY = new ServiceRegistry(List.of(), Map.of(), List.of());

    private final List<MeshService> services;
    private final Map<String, List<MeshService>> byHost;
    private final List<WildcardHost> wildcards;

    ServiceRegistry(List<MeshService> services, Map<String, List<MeshService>> byHost, List<WildcardHost> wildcards) {
        this.services = List.copyOf(services);
        this.byHost = Map.copyOf(byHost);
        this.wildcards = List.copyOf(wildcards);
    }

    /**
     * Compiles the registry of {@code config}.
     *
     * <ul>
     *   <li>Each host of a ServiceEntry is a service, its host taken as written (lower-cased), never
     *       qualified with the namespace: Istio does not expand ServiceEntry hosts.</li>
     *   <li>Endpoints are the ServiceEntry's {@code endpoints}; or the WorkloadEntries of its namespace
     *       whose labels (spec labels overlaid with metadata labels, as Istio merges them) contain its
     *       {@code workloadSelector}, by name (with resolution {@code STATIC} only those whose address is
     *       an IP); or, for resolution {@code DNS} and {@code DNS_ROUND_ROBIN} with neither, the host
     *       itself. Resolution {@code NONE} has none. An inline endpoint without an address (only a
     *       network, which validation warns about) is left out: inmesh does not route through network
     *       gateways.</li>
     *   <li>ServiceEntries for one host in one namespace share their endpoints, each contributing to the
     *       port numbers it declares, as Istio's endpoint index keys them by host and namespace. They
     *       are one service when they agree on resolution, labels, {@code workloadSelector} and
     *       {@code exportTo} (Istio's merge rule): the first read gives location, addresses and
     *       identities, and the ports are the union by number, the first declaration of a number
     *       winning. Otherwise each is a service of its own.</li>
     *   <li>The endpoints of every subset a DestinationRule declares for a host are computed here.</li>
     * </ul>
     */
    public static ServiceRegistry compile(MeshConfig config) {
        return RegistryCompiler.compile(config);
    }

    /** A registry without services. */
    public static ServiceRegistry empty() {
        return EMPTY;
    }

    /** Every service, in the order their ServiceEntries were read. */
    public List<MeshService> services() {
        return services;
    }

    /**
     * The service for {@code host}, a fully qualified host such as {@code api.example.com}: the exact
     * host, else the most specific wildcard host that matches it. The first read wins when several
     * services carry the host; visibility is not considered (see {@link #service(String, String)}).
     */
    public Optional<MeshService> service(String host) {
        MeshService found = lookup(host);
        return found == null ? Optional.empty() : found.asOptional();
    }

    /**
     * The service for {@code host} as a workload in {@code namespace} sees it: only services
     * {@linkplain MeshService#visibleTo visible} to the namespace count; exact hosts before wildcards;
     * and, as in Istio, services exported to named namespaces (or {@code .}) before services exported to
     * every namespace, each in read order.
     */
    public Optional<MeshService> service(String host, String namespace) {
        MeshService exact = visible(byHost.get(normalize(host)), namespace);
        if (exact != null) {
            return exact.asOptional();
        }
        for (int i = 0; i < wildcards.size(); i++) {
            WildcardHost wildcard = wildcards.get(i);
            if (wildcard.matches(host)) {
                MeshService found = visible(wildcard.services, namespace);
                if (found != null) {
                    return found.asOptional();
                }
            }
        }
        return Optional.empty();
    }

    /** Whether some service carries {@code host}, exactly or through a wildcard host. */
    public boolean knows(String host) {
        return service(host).isPresent();
    }

    /**
     * The endpoints of {@link #service(String) service(host)} that serve {@code servicePort} and carry
     * every label of {@code subsetLabels} (empty selects all), in a stable order; empty when the host is
     * unknown, has no such port, or is {@linkplain MeshService#passthrough() passthrough}.
     */
    public List<Endpoint> endpoints(String host, int servicePort, Map<String, String> subsetLabels) {
        MeshService found = lookup(host);
        return found == null ? List.of() : found.endpoints(servicePort, subsetLabels);
    }

    @Override
    public String toString() {
        return "ServiceRegistry[" + services.size() + " services]";
    }

    private MeshService lookup(String host) {
        List<MeshService> exact = byHost.get(normalize(host));
        if (exact != null) {
            return exact.get(0);
        }
        for (int i = 0; i < wildcards.size(); i++) {
            WildcardHost wildcard = wildcards.get(i);
            if (wildcard.matches(host)) {
                return wildcard.services.get(0);
            }
        }
        return null;
    }

    private static MeshService visible(List<MeshService> candidates, String namespace) {
        if (candidates == null) {
            return null;
        }
        MeshService firstPublic = null;
        for (int i = 0; i < candidates.size(); i++) {
            MeshService candidate = candidates.get(i);
            if (!candidate.visibleTo(namespace)) {
                continue;
            }
            if (!candidate.exportedToAll()) {
                return candidate;
            }
            if (firstPublic == null) {
                firstPublic = candidate;
            }
        }
        return firstPublic;
    }

    /** Lower-cases without allocating when the host is lower case already. */
    private static String normalize(String host) {
        return host.toLowerCase(Locale.ROOT);
    }

    /** A wildcard host such as {@code *.example.com} and the services that carry it, best first. */
    static final class WildcardHost {

        private final String pattern;
        private final String suffix;
        private final List<MeshService> services;

        WildcardHost(String pattern, List<MeshService> services) {
            this.pattern = pattern;
            this.suffix = pattern.substring(1);
            this.services = List.copyOf(services);
        }

        /** Longer patterns are more specific; ties keep read order. */
        int specificity() {
            return pattern.length();
        }

        boolean matches(String host) {
            int start = host.length() - suffix.length();
            return start > 0 && host.regionMatches(true, start, suffix, 0, suffix.length());
        }
    }
}
