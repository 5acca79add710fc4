package io.inmesh.core.registry;

import static io.inmesh.core.registry.RegistryFixture.registry;
import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.model.ServiceEntry.Location;
import io.inmesh.core.model.ServiceEntry.Resolution;
import io.inmesh.core.model.ServicePort;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Several ServiceEntries for one host. In one namespace they share endpoints (Istio indexes endpoints
 * by host and namespace) and, when Istio's {@code canMergeServices} allows, they are one service whose
 * ports are the union; in different namespaces they are different services.
 */
class MergedServiceEntriesTest {

    private static final String FIRST = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: payments-http
              namespace: pay
            spec:
              hosts:
              - payments.example.com
              ports:
              - number: 80
                name: http
                protocol: HTTP
              location: MESH_INTERNAL
              resolution: STATIC
              endpoints:
              - address: 10.7.0.1
                labels:
                  version: v1
            """;

    @Test
    void twoServiceEntriesInOneNamespaceAreOneServiceWithTheirPortsAndEndpointsMerged() {
        ServiceRegistry registry = registry(FIRST + """
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: payments-more
                  namespace: pay
                spec:
                  hosts:
                  - payments.example.com
                  ports:
                  - number: 80
                    name: web
                    protocol: HTTP
                    targetPort: 8080
                  - number: 9090
                    name: grpc
                    protocol: GRPC
                  resolution: STATIC
                  endpoints:
                  - address: 10.7.0.2
                    labels:
                      version: v2
                """);

        assertThat(registry.services()).hasSize(1);
        MeshService payments = registry.service("payments.example.com").orElseThrow();
        assertThat(payments.serviceEntries()).containsExactly("ServiceEntry/pay/payments-http", "ServiceEntry/pay/payments-more");
        assertThat(payments.location()).as("from the first").isEqualTo(Location.MESH_INTERNAL);
        assertThat(payments.ports()).as("union by number; the first declaration of 80 wins").containsExactly(
                new ServicePort(80, "HTTP", "http", null),
                new ServicePort(9090, "GRPC", "grpc", null));
        assertThat(payments.endpoints(80))
                .extracting(endpoint -> endpoint.address() + ":" + endpoint.port(80))
                .as("each endpoint keeps the port its own ServiceEntry gives it")
                .containsExactly("10.7.0.1:80", "10.7.0.2:8080");
        assertThat(payments.endpoints(9090)).extracting(Endpoint::address).as("only the second declares 9090").containsExactly("10.7.0.2");
        assertThat(payments.endpoints(80, Map.of("version", "v2"))).extracting(Endpoint::address).containsExactly("10.7.0.2");
    }

    @Test
    void serviceEntriesThatIstioCannotMergeStaySeparateButShareEndpoints() {
        ServiceRegistry registry = registry(FIRST + """
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: payments-dns
                  namespace: pay
                spec:
                  hosts:
                  - payments.example.com
                  ports:
                  - number: 80
                    name: http
                    protocol: HTTP
                  - number: 443
                    name: https
                    protocol: HTTPS
                  resolution: DNS
                  exportTo:
                  - "."
                  endpoints:
                  - address: payments-backup.example.net
                """);

        assertThat(registry.services()).hasSize(2);
        MeshService first = registry.service("payments.example.com").orElseThrow();
        assertThat(first.resolution()).isEqualTo(Resolution.STATIC);
        assertThat(first.ports()).extracting(ServicePort::number).as("different resolution: ports not merged").containsExactly(80);
        assertThat(first.endpoints(80)).extracting(Endpoint::address)
                .as("one endpoint index per host and namespace")
                .containsExactly("10.7.0.1", "payments-backup.example.net");
        MeshService second = registry.services().get(1);
        assertThat(second.resolution()).isEqualTo(Resolution.DNS);
        assertThat(second.endpoints(443)).extracting(Endpoint::address).containsExactly("payments-backup.example.net");
        assertThat(registry.service("payments.example.com", "pay")).as("exported only to its namespace: listed first").containsSame(second);
        assertThat(registry.service("payments.example.com", "shop")).containsSame(first);
    }

    @Test
    void serviceEntriesInDifferentNamespacesAreDifferentServices() {
        ServiceRegistry registry = registry(FIRST + """
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: payments-http
                  namespace: other
                spec:
                  hosts:
                  - payments.example.com
                  ports:
                  - number: 80
                    name: http
                    protocol: HTTP
                  resolution: STATIC
                  endpoints:
                  - address: 10.8.0.1
                """);

        assertThat(registry.services()).extracting(MeshService::namespace).containsExactly("pay", "other");
        assertThat(registry.services().get(0).endpoints()).extracting(Endpoint::address).containsExactly("10.7.0.1");
        assertThat(registry.services().get(1).endpoints()).extracting(Endpoint::address).containsExactly("10.8.0.1");
        assertThat(registry.endpoints("payments.example.com", 80, Map.of())).extracting(Endpoint::address)
                .as("the first read, as Istio prefers the oldest").containsExactly("10.7.0.1");
    }
}
