package io.inmesh.core.registry;

import io.inmesh.core.model.ServiceEntry.Location;
import io.inmesh.core.model.ServiceEntry.Resolution;
import io.inmesh.core.model.ServicePort;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One service of the mesh, as declared by one or more ServiceEntries for one host in one namespace,
 * with its endpoints. Immutable once compiled; obtained from a {@link ServiceRegistry}.
 *
 * <p>Lookups allocate nothing: the endpoints of each port, and of each subset a DestinationRule
 * declares, are computed when the registry is compiled. The endpoints of other label selectors are
 * computed on first use and kept, up to {@value #LAZY_SUBSETS_PER_PORT} selectors per port; past that
 * they are computed afresh on each call.
 */
public final class MeshService {

    /** How many label selectors not declared by a DestinationRule each port keeps computed endpoints for. */
    static final int LAZY_SUBSETS_PER_PORT = 32;

    private final String host;
    private final String namespace;
    private final List<ServicePort> ports;
    private final PortEndpoints[] byPort;
    private final Resolution resolution;
    private final Location location;
    private final List<String> addresses;
    private final List<String> subjectAltNames;
    private final boolean exportedToAll;
    private final Set<String> exportedTo;
    private final List<String> serviceEntries;
    private final List<Endpoint> endpoints;
    private final Optional<MeshService> asOptional = Optional.of(this);

    MeshService(String host, String namespace, List<ServicePort> ports, Map<Integer, List<Endpoint>> endpointsByPort,
            Resolution resolution, Location location, List<String> addresses, List<String> subjectAltNames,
            boolean exportedToAll, Set<String> exportedTo, List<String> serviceEntries) {
        this.host = host;
        this.namespace = namespace;
        this.ports = List.copyOf(ports);
        this.resolution = resolution;
        this.location = location;
        this.addresses = List.copyOf(addresses);
        this.subjectAltNames = List.copyOf(subjectAltNames);
        this.exportedToAll = exportedToAll;
        this.exportedTo = Set.copyOf(exportedTo);
        this.serviceEntries = List.copyOf(serviceEntries);
        this.byPort = new PortEndpoints[this.ports.size()];
        Set<Endpoint> all = new LinkedHashSet<>();
        for (int i = 0; i < byPort.length; i++) {
            ServicePort port = this.ports.get(i);
            List<Endpoint> portEndpoints = endpointsByPort.getOrDefault(port.number(), List.of());
            byPort[i] = new PortEndpoints(port, portEndpoints);
            all.addAll(portEndpoints);
        }
        this.endpoints = List.copyOf(all);
    }

    /** The host as written in the ServiceEntry, lower-cased; may be a wildcard such as {@code *.example.com}. */
    public String host() {
        return host;
    }

    /** The namespace of the ServiceEntry. */
    public String namespace() {
        return namespace;
    }

    /** The service's ports, in the order the ServiceEntries declare them. */
    public List<ServicePort> ports() {
        return ports;
    }

    /** The service port numbered {@code number}, if the service has one. */
    public Optional<ServicePort> port(int number) {
        PortEndpoints port = find(number);
        return port == null ? Optional.empty() : port.asOptional;
    }

    /** How the service's endpoints are found; {@link Resolution#NONE} when the ServiceEntry names none. */
    public Resolution resolution() {
        return resolution;
    }

    /**
     * Whether connections go to the address the caller asked for rather than to endpoints of this
     * registry: resolution {@code NONE}, Istio's passthrough. Such a service has no endpoints. When the
     * service port has a {@code targetPort}, Istio connects to that port of the original address.
     */
    public boolean passthrough() {
        return resolution == Resolution.NONE;
    }

    /** Inside or outside the mesh; {@link Location#MESH_EXTERNAL} when the ServiceEntry names none, as in Istio. */
    public Location location() {
        return location;
    }

    /** The service's virtual IPs or CIDR blocks, as written. */
    public List<String> addresses() {
        return addresses;
    }

    /** The server identities the ServiceEntry accepts, as written. */
    public List<String> subjectAltNames() {
        return subjectAltNames;
    }

    /**
     * Whether the service is visible to workloads in {@code namespace}, by its ServiceEntry's
     * {@code exportTo}: none written or {@code *} is every namespace, {@code .} is the ServiceEntry's own
     * namespace, {@code ~} is none, and a name is that namespace.
     */
    public boolean visibleTo(String namespace) {
        return exportedToAll || exportedTo.contains(namespace);
    }

    /** This service as an {@code Optional}, made once so that lookups do not allocate. */
    Optional<MeshService> asOptional() {
        return asOptional;
    }

    /** Whether {@code exportTo} makes the service visible to every namespace. */
    boolean exportedToAll() {
        return exportedToAll;
    }

    /**
     * The ServiceEntries that declare the service, as {@code ServiceEntry/namespace/name}, in read order;
     * more than one when several in the namespace declare the host.
     */
    public List<String> serviceEntries() {
        return serviceEntries;
    }

    /** All endpoints of the service, each once, in a stable order. Empty for {@link #passthrough()}. */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** The endpoints that serve {@code servicePort}, in a stable order; empty when the service has no such port. */
    public List<Endpoint> endpoints(int servicePort) {
        PortEndpoints port = find(servicePort);
        return port == null ? List.of() : port.all;
    }

    /**
     * The endpoints that serve {@code servicePort} and whose labels contain every entry of
     * {@code subsetLabels} (a DestinationRule subset's labels; empty selects all), in a stable order.
     *
     * @throws NullPointerException when {@code subsetLabels} or one of its keys or values is {@code null}
     */
    public List<Endpoint> endpoints(int servicePort, Map<String, String> subsetLabels) {
        PortEndpoints port = find(servicePort);
        if (port == null) {
            return List.of();
        }
        return subsetLabels.isEmpty() ? port.all : port.subset(subsetLabels);
    }

    /** Computes, at compile time, the endpoints of a subset a DestinationRule declares. */
    void prepareSubset(Map<String, String> subsetLabels) {
        if (subsetLabels.isEmpty()) {
            return;
        }
        for (PortEndpoints port : byPort) {
            port.prepare(subsetLabels);
        }
    }

    private PortEndpoints find(int number) {
        for (PortEndpoints port : byPort) {
            if (port.number == number) {
                return port;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "MeshService[" + host + " in " + namespace + ", " + resolution + ", ports " + ports.stream().map(ServicePort::number).toList()
                + ", " + endpoints.size() + " endpoints]";
    }

    /** The endpoints of one port, with the subsets computed so far. */
    private static final class PortEndpoints {

        private final int number;
        private final Optional<ServicePort> asOptional;
        private final List<Endpoint> all;
        private final ConcurrentHashMap<Map<String, String>, List<Endpoint>> subsets = new ConcurrentHashMap<>();
        private int prepared;

        PortEndpoints(ServicePort port, List<Endpoint> endpoints) {
            this.number = port.number();
            this.asOptional = Optional.of(port);
            this.all = List.copyOf(endpoints);
        }

        void prepare(Map<String, String> labels) {
            if (subsets.putIfAbsent(Map.copyOf(labels), select(labels)) == null) {
                prepared++;
            }
        }

        List<Endpoint> subset(Map<String, String> labels) {
            List<Endpoint> known = subsets.get(labels);
            if (known != null) {
                return known;
            }
            List<Endpoint> selected = select(labels);
            if (subsets.size() < prepared + LAZY_SUBSETS_PER_PORT) {
                List<Endpoint> raced = subsets.putIfAbsent(Map.copyOf(labels), selected);
                return raced == null ? selected : raced;
            }
            return selected;
        }

        private List<Endpoint> select(Map<String, String> labels) {
            List<Endpoint> selected = new ArrayList<>();
            for (Endpoint endpoint : all) {
                if (endpoint.matches(labels)) {
                    selected.add(endpoint);
                }
            }
            return List.copyOf(selected);
        }
    }
}
