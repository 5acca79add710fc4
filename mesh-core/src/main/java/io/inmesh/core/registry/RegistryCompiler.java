package io.inmesh.core.registry;

import io.inmesh.core.config.Hosts;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.DestinationRule;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import io.inmesh.core.model.ServiceEntry;
import io.inmesh.core.model.ServiceEntry.Location;
import io.inmesh.core.model.ServiceEntry.Resolution;
import io.inmesh.core.model.ServicePort;
import io.inmesh.core.model.Subset;
import io.inmesh.core.model.WorkloadEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link ServiceRegistry} from a config, following Istio's ServiceEntry registry
 * ({@code pilot/pkg/serviceregistry/serviceentry}: {@code convertServices},
 * {@code convertServiceEntryToInstances}, workload selection) and its service merge rule
 * ({@code SidecarScope.appendSidecarServices}, {@code canMergeServices}).
 */
final class RegistryCompiler {

    private static final String UNIX_PREFIX = "unix://";

    private RegistryCompiler() {
    }

    static ServiceRegistry compile(MeshConfig config) {
        Map<String, List<Workload>> workloads = workloadsByNamespace(config.resources(ResourceKind.WORKLOAD_ENTRY, WorkloadEntry.class));
        // Istio's endpoint index: endpoints by host and namespace, whichever ServiceEntry contributed them.
        Map<HostInNamespace, List<Endpoint>> endpointIndex = new HashMap<>();
        Map<GroupKey, ServiceBuilder> builders = new LinkedHashMap<>();
        for (Resource<ServiceEntry> entry : config.resources(ResourceKind.SERVICE_ENTRY, ServiceEntry.class)) {
            ServiceEntry spec = entry.spec();
            String namespace = entry.namespace();
            Resolution resolution = spec.resolution() == null ? Resolution.NONE : spec.resolution();
            List<ServicePort> ports = list(spec.ports()).stream().filter(port -> port.number() != null).toList();
            Map<String, String> selector = spec.workloadSelector() == null ? Map.of() : labels(spec.workloadSelector().labels());
            Visibility visibility = Visibility.of(list(spec.exportTo()), namespace);
            boolean hostIsEndpoint = isDns(resolution) && list(spec.endpoints()).isEmpty() && spec.workloadSelector() == null;
            List<Endpoint> declared = resolution == Resolution.NONE || hostIsEndpoint
                    ? List.of()
                    : declaredEndpoints(spec, resolution, ports, workloads.getOrDefault(namespace, List.of()));
            for (String host : hosts(spec)) {
                List<Endpoint> contributed = hostIsEndpoint && !Hosts.isWildcard(host) ? List.of(hostEndpoint(host, ports)) : declared;
                endpointIndex.computeIfAbsent(new HostInNamespace(host, namespace), key -> new ArrayList<>()).addAll(contributed);
                GroupKey key = new GroupKey(host, namespace, resolution, entry.metadata().labels(), selector, visibility);
                builders.computeIfAbsent(key, k -> new ServiceBuilder(k, spec)).add(entry, ports);
            }
        }

        List<MeshService> services = new ArrayList<>(builders.size());
        Map<String, List<MeshService>> byHost = new LinkedHashMap<>();
        for (ServiceBuilder builder : builders.values()) {
            MeshService service = builder.build(endpointIndex.get(new HostInNamespace(builder.key.host(), builder.key.namespace())));
            services.add(service);
            byHost.computeIfAbsent(service.host(), host -> new ArrayList<>()).add(service);
        }
        prepareSubsets(config.resources(ResourceKind.DESTINATION_RULE, DestinationRule.class), services);

        List<ServiceRegistry.WildcardHost> wildcards = new ArrayList<>();
        byHost.forEach((host, candidates) -> {
            if (Hosts.isWildcard(host)) {
                wildcards.add(new ServiceRegistry.WildcardHost(host, candidates));
            }
        });
        wildcards.sort(Comparator.comparingInt(ServiceRegistry.WildcardHost::specificity).reversed());
        Map<String, List<MeshService>> immutableByHost = new HashMap<>();
        byHost.forEach((host, candidates) -> immutableByHost.put(host, List.copyOf(candidates)));
        return new ServiceRegistry(services, immutableByHost, wildcards);
    }

    /** The WorkloadEntries of each namespace, by name, with Istio's label merge: metadata labels override spec labels. */
    private static Map<String, List<Workload>> workloadsByNamespace(List<Resource<WorkloadEntry>> entries) {
        Map<String, List<Workload>> byNamespace = new HashMap<>();
        for (Resource<WorkloadEntry> entry : entries) {
            Map<String, String> labels = new HashMap<>(labels(entry.spec().labels()));
            labels.putAll(entry.metadata().labels());
            byNamespace.computeIfAbsent(entry.namespace(), ns -> new ArrayList<>()).add(new Workload(entry.name(), entry.spec(), Map.copyOf(labels)));
        }
        byNamespace.values().forEach(workloads -> workloads.sort(Comparator.comparing(Workload::name)));
        return byNamespace;
    }

    /** The ServiceEntry's inline endpoints, else the WorkloadEntries its selector picks. */
    private static List<Endpoint> declaredEndpoints(ServiceEntry spec, Resolution resolution, List<ServicePort> ports, List<Workload> workloads) {
        List<Endpoint> endpoints = new ArrayList<>();
        if (!list(spec.endpoints()).isEmpty()) {
            for (WorkloadEntry endpoint : spec.endpoints()) {
                if (!isEmpty(endpoint.address())) {
                    endpoints.add(endpoint(endpoint, labels(endpoint.labels()), ports));
                }
            }
        } else if (spec.workloadSelector() != null) {
            Map<String, String> selector = labels(spec.workloadSelector().labels());
            for (Workload workload : workloads) {
                String address = workload.spec().address();
                // Istio: a workload addressed by DNS name or unix socket serves only DNS ServiceEntries.
                boolean usable = !isEmpty(address) && (isDns(resolution) || Hosts.isIpAddress(address));
                if (usable && containsAll(workload.labels(), selector)) {
                    endpoints.add(endpoint(workload.spec(), workload.labels(), ports));
                }
            }
        }
        return List.copyOf(endpoints);
    }

    /**
     * One workload as an endpoint of every port of its ServiceEntry, at Istio's port: 0 for a unix
     * socket, else the workload's port for the service port's name, else the {@code targetPort}, else the
     * service port's number.
     */
    private static Endpoint endpoint(WorkloadEntry workload, Map<String, String> labels, List<ServicePort> ports) {
        Endpoint.Builder builder = Endpoint.builder(workload.address())
                .labels(labels)
                .weight(workload.weight() == null || workload.weight() < 0 ? null : workload.weight())
                .network(workload.network())
                .locality(workload.locality())
                .serviceAccount(workload.serviceAccount());
        boolean unix = workload.address().startsWith(UNIX_PREFIX);
        Map<String, Integer> named = map(workload.ports());
        for (ServicePort port : ports) {
            Integer byName = port.name() == null ? null : named.get(port.name());
            int target;
            if (unix) {
                target = 0;
            } else if (byName != null && byName > 0) {
                target = byName;
            } else {
                target = targetPort(port);
            }
            builder.port(port.number(), target);
        }
        return builder.build();
    }

    /** Istio's endpoint for a DNS ServiceEntry without endpoints: the host itself. */
    private static Endpoint hostEndpoint(String host, List<ServicePort> ports) {
        Endpoint.Builder builder = Endpoint.builder(host);
        for (ServicePort port : ports) {
            builder.port(port.number(), targetPort(port));
        }
        return builder.build();
    }

    private static int targetPort(ServicePort port) {
        return port.targetPort() != null && port.targetPort() > 0 ? port.targetPort() : port.number();
    }

    /** Computes the endpoints of every DestinationRule subset for the services its host covers. */
    private static void prepareSubsets(List<Resource<DestinationRule>> rules, List<MeshService> services) {
        for (Resource<DestinationRule> rule : rules) {
            if (isEmpty(rule.spec().host())) {
                continue;
            }
            String host = Hosts.normalize(Hosts.resolve(rule.spec().host(), rule.namespace()));
            for (Subset subset : list(rule.spec().subsets())) {
                Map<String, String> labels = labels(subset.labels());
                if (labels.isEmpty()) {
                    continue;
                }
                for (MeshService service : services) {
                    if (Hosts.overlap(host, service.host())) {
                        service.prepareSubset(labels);
                    }
                }
            }
        }
    }

    /** The ServiceEntry's hosts, lower-cased, each once, as written: Istio does not qualify them with the namespace. */
    private static Set<String> hosts(ServiceEntry spec) {
        Set<String> hosts = new LinkedHashSet<>();
        for (String host : list(spec.hosts())) {
            if (!isEmpty(host)) {
                hosts.add(Hosts.normalize(host));
            }
        }
        return hosts;
    }

    private static boolean isDns(Resolution resolution) {
        return resolution == Resolution.DNS || resolution == Resolution.DNS_ROUND_ROBIN;
    }

    private static boolean containsAll(Map<String, String> labels, Map<String, String> selector) {
        for (Map.Entry<String, String> wanted : selector.entrySet()) {
            if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Labels as written, without entries whose key or value is missing (validation reports those). */
    private static Map<String, String> labels(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return Map.of();
        }
        Map<String, String> present = new HashMap<>();
        labels.forEach((key, value) -> {
            if (key != null && value != null) {
                present.put(key, value);
            }
        });
        return Map.copyOf(present);
    }

    private static boolean isEmpty(String text) {
        return text == null || text.isEmpty();
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <K, V> Map<K, V> map(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    /** A WorkloadEntry with its merged labels. */
    private record Workload(String name, WorkloadEntry spec, Map<String, String> labels) {
    }

    /** The key of Istio's endpoint index. */
    private record HostInNamespace(String host, String namespace) {
    }

    /** Who may see a service: every namespace, or the listed ones ({@code .} resolved to the own namespace). */
    private record Visibility(boolean all, Set<String> namespaces) {

        static Visibility of(List<String> exportTo, String ownNamespace) {
            if (exportTo.isEmpty() || exportTo.contains("*")) {
                return new Visibility(true, Set.of());
            }
            Set<String> namespaces = new LinkedHashSet<>();
            for (String entry : exportTo) {
                if (entry.equals(".")) {
                    namespaces.add(ownNamespace);
                } else if (!entry.equals("~")) {
                    namespaces.add(entry);
                }
            }
            return new Visibility(false, exportTo.contains("~") ? Set.of() : Set.copyOf(namespaces));
        }
    }

    /** What ServiceEntries must share to be one service: host, namespace and Istio's {@code canMergeServices}. */
    private record GroupKey(String host, String namespace, Resolution resolution, Map<String, String> labels,
            Map<String, String> selector, Visibility visibility) {
    }

    /** Collects the ServiceEntries of one service. */
    private static final class ServiceBuilder {

        private final GroupKey key;
        private final ServiceEntry first;
        private final Map<Integer, ServicePort> ports = new LinkedHashMap<>();
        private final List<String> serviceEntries = new ArrayList<>();

        ServiceBuilder(GroupKey key, ServiceEntry first) {
            this.key = key;
            this.first = first;
        }

        void add(Resource<ServiceEntry> entry, List<ServicePort> entryPorts) {
            if (!serviceEntries.contains(entry.key())) {
                serviceEntries.add(entry.key());
            }
            for (ServicePort port : entryPorts) {
                ports.putIfAbsent(port.number(), port);
            }
        }

        MeshService build(List<Endpoint> indexed) {
            Map<Integer, List<Endpoint>> byPort = new HashMap<>();
            if (key.resolution() != Resolution.NONE && indexed != null) {
                for (Integer number : ports.keySet()) {
                    byPort.put(number, indexed.stream().filter(endpoint -> endpoint.serves(number)).toList());
                }
            }
            return new MeshService(key.host(), key.namespace(), List.copyOf(ports.values()), byPort, key.resolution(),
                    first.location() == null ? Location.MESH_EXTERNAL : first.location(),
                    list(first.addresses()), list(first.subjectAltNames()),
                    key.visibility().all(), key.visibility().namespaces(), serviceEntries);
        }
    }
}
