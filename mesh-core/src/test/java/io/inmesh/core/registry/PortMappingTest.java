package io.inmesh.core.registry;

import static io.inmesh.core.registry.RegistryFixture.registry;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The port an endpoint is reached at, in Istio's order: the endpoint's {@code ports} entry for the
 * service port's name, the service port's {@code targetPort}, the service port's number; 0 for a unix
 * socket.
 */
class PortMappingTest {

    private final ServiceRegistry registry = registry("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: backend
              namespace: apps
            spec:
              hosts:
              - backend.apps.example
              ports:
              - number: 80
                name: http
                protocol: HTTP
              - number: 443
                name: https
                protocol: HTTPS
                targetPort: 8443
              - number: 9000
                name: grpc
                protocol: GRPC
              resolution: STATIC
              endpoints:
              - address: 10.3.0.1
                ports:
                  http: 8080
                  https: 9443
              - address: 10.3.0.2
                ports:
                  grpc: 19000
              - address: 10.3.0.3
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: socket
              namespace: apps
            spec:
              hosts:
              - socket.apps.example
              ports:
              - number: 8001
                name: http
                protocol: HTTP
                targetPort: 9001
              resolution: STATIC
              endpoints:
              - address: unix:///var/run/example/socket
            """);

    private List<Endpoint> backend() {
        return registry.service("backend.apps.example").orElseThrow().endpoints();
    }

    @Test
    void theNamedPortWinsOverTargetPortAndNumber() {
        Endpoint first = backend().get(0);

        assertThat(first.port(80)).isEqualTo(8080);
        assertThat(first.port(443)).isEqualTo(9443);
        assertThat(first.port(9000)).isEqualTo(9000);
    }

    @Test
    void withoutANamedPortTheTargetPortWinsOverTheNumber() {
        Endpoint second = backend().get(1);
        Endpoint third = backend().get(2);

        assertThat(second.ports()).containsExactly(Map.entry(80, 80), Map.entry(443, 8443), Map.entry(9000, 19000));
        assertThat(third.ports()).containsExactly(Map.entry(80, 80), Map.entry(443, 8443), Map.entry(9000, 9000));
    }

    @Test
    void anEndpointWithoutThePortNameStillServesThePort() {
        // Istio makes an instance of every workload for every service port; a missing name falls back.
        assertThat(registry.endpoints("backend.apps.example", 9000, Map.of()))
                .extracting(endpoint -> endpoint.address() + ":" + endpoint.port(9000))
                .containsExactly("10.3.0.1:9000", "10.3.0.2:19000", "10.3.0.3:9000");
    }

    @Test
    void aUnixSocketHasNoPort() {
        Endpoint socket = registry.endpoints("socket.apps.example", 8001, Map.of()).get(0);

        assertThat(socket.isUnixSocket()).isTrue();
        assertThat(socket.address()).isEqualTo("unix:///var/run/example/socket");
        assertThat(socket.port(8001)).isZero();
    }
}
