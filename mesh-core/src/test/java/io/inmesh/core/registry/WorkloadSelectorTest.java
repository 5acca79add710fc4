package io.inmesh.core.registry;

import static io.inmesh.core.registry.RegistryFixture.registry;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A ServiceEntry's {@code workloadSelector} picks WorkloadEntries of its own namespace by their labels. */
class WorkloadSelectorTest {

    private static final String WORKLOADS = """
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata:
              name: vm-b
              namespace: vms
            spec:
              address: 10.1.0.2
              labels:
                app: details
                version: v2
              ports:
                http: 8080
              weight: 5
              locality: eu-west/b
              network: vm-net
              serviceAccount: details-sa
            ---
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata:
              name: vm-a
              namespace: vms
            spec:
              address: 10.1.0.1
              labels:
                app: details
                version: v1
            ---
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata:
              name: other-app
              namespace: vms
            spec:
              address: 10.1.0.3
              labels:
                app: ratings
            ---
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata:
              name: vm-elsewhere
              namespace: elsewhere
            spec:
              address: 10.9.0.1
              labels:
                app: details
            ---
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata:
              name: vm-by-name
              namespace: vms
            spec:
              address: details-vm.example.com
              labels:
                app: details
            """;

    private static String serviceEntry(String resolution) {
        return """
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: details
                  namespace: vms
                spec:
                  hosts:
                  - details.vms.example
                  ports:
                  - number: 9080
                    name: http
                    protocol: HTTP
                  location: MESH_INTERNAL
                  resolution: %s
                  workloadSelector:
                    labels:
                      app: details
                """.formatted(resolution);
    }

    @Test
    void selectsTheMatchingWorkloadEntriesOfItsNamespaceByName() {
        ServiceRegistry registry = registry(WORKLOADS + serviceEntry("STATIC"));

        assertThat(registry.endpoints("details.vms.example", 9080, Map.of()))
                .as("vm-a, vm-b; not other-app (labels), vm-elsewhere (namespace), vm-by-name (not an IP)")
                .extracting(Endpoint::address).containsExactly("10.1.0.1", "10.1.0.2");
    }

    @Test
    void aSelectedWorkloadKeepsItsPropertiesAndPorts() {
        ServiceRegistry registry = registry(WORKLOADS + serviceEntry("STATIC"));

        Endpoint vmB = registry.endpoints("details.vms.example", 9080, Map.of("version", "v2")).get(0);
        assertThat(vmB.address()).isEqualTo("10.1.0.2");
        assertThat(vmB.port(9080)).as("the workload's port for the service port's name").isEqualTo(8080);
        assertThat(vmB.labels()).containsOnly(Map.entry("app", "details"), Map.entry("version", "v2"));
        assertThat(vmB.weight()).isEqualTo(5);
        assertThat(vmB.locality()).isEqualTo("eu-west/b");
        assertThat(vmB.network()).isEqualTo("vm-net");
        assertThat(vmB.serviceAccount()).isEqualTo("details-sa");
        Endpoint vmA = registry.endpoints("details.vms.example", 9080, Map.of("version", "v1")).get(0);
        assertThat(vmA.port(9080)).as("no port for the name: the service port").isEqualTo(9080);
    }

    @Test
    void neverSelectsAcrossNamespaces() {
        ServiceRegistry registry = registry(WORKLOADS + """
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: details
                  namespace: elsewhere
                spec:
                  hosts:
                  - details.elsewhere.example
                  ports:
                  - number: 9080
                    name: http
                    protocol: HTTP
                  resolution: STATIC
                  workloadSelector:
                    labels:
                      app: details
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: nothing
                  namespace: empty
                spec:
                  hosts:
                  - details.empty.example
                  ports:
                  - number: 9080
                    name: http
                    protocol: HTTP
                  resolution: STATIC
                  workloadSelector:
                    labels:
                      app: details
                """);

        assertThat(registry.endpoints("details.elsewhere.example", 9080, Map.of()))
                .extracting(Endpoint::address).containsExactly("10.9.0.1");
        assertThat(registry.service("details.empty.example")).hasValueSatisfying(service -> assertThat(service.endpoints()).isEmpty());
    }

    @Test
    void metadataLabelsOverrideSpecLabelsAsIstioMergesThem() {
        ServiceRegistry registry = registry("""
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata:
                  name: relabelled
                  namespace: vms
                  labels:
                    app: details
                    version: v3
                spec:
                  address: 10.1.0.7
                  labels:
                    app: legacy
                    track: stable
                """ + serviceEntry("STATIC"));

        Endpoint endpoint = registry.endpoints("details.vms.example", 9080, Map.of()).get(0);
        assertThat(endpoint.address()).isEqualTo("10.1.0.7");
        assertThat(endpoint.labels()).containsOnly(Map.entry("app", "details"), Map.entry("version", "v3"), Map.entry("track", "stable"));
    }

    @Test
    void aDnsServiceEntryAlsoSelectsWorkloadsAddressedByName() {
        ServiceRegistry registry = registry(WORKLOADS + serviceEntry("DNS"));

        assertThat(registry.endpoints("details.vms.example", 9080, Map.of()))
                .as("with a selector the host itself is not an endpoint")
                .extracting(Endpoint::address).containsExactly("10.1.0.1", "10.1.0.2", "details-vm.example.com");
    }
}
