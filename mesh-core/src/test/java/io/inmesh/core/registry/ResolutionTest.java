package io.inmesh.core.registry;

import static io.inmesh.core.registry.RegistryFixture.registry;
import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.model.ServiceEntry.Location;
import io.inmesh.core.model.ServiceEntry.Resolution;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How resolution decides the endpoints: DNS names, the host itself, or none at all for passthrough. */
class ResolutionTest {

    @Test
    void dnsWithoutEndpointsMakesEachHostItsOwnEndpoint() {
        ServiceRegistry registry = registry("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: external-apis
                  namespace: egress
                spec:
                  hosts:
                  - api.example.com
                  - Login.Example.com
                  ports:
                  - number: 443
                    name: https
                    protocol: TLS
                  - number: 80
                    name: http
                    protocol: HTTP
                    targetPort: 8080
                  resolution: DNS
                """);

        MeshService api = registry.service("api.example.com").orElseThrow();
        assertThat(api.resolution()).isEqualTo(Resolution.DNS);
        assertThat(api.location()).as("Istio's default location").isEqualTo(Location.MESH_EXTERNAL);
        assertThat(api.endpoints()).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.address()).isEqualTo("api.example.com");
            assertThat(endpoint.port(443)).isEqualTo(443);
            assertThat(endpoint.port(80)).as("targetPort").isEqualTo(8080);
            assertThat(endpoint.labels()).isEmpty();
            assertThat(endpoint.weight()).isEqualTo(1);
        });
        assertThat(registry.endpoints("login.example.com", 443, Map.of()))
                .extracting(Endpoint::address).containsExactly("login.example.com");
    }

    @Test
    void dnsWithEndpointsUsesThemAndNotTheHost() {
        ServiceRegistry registry = registry("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: mirrors
                  namespace: egress
                spec:
                  hosts:
                  - mirror.example.com
                  ports:
                  - number: 80
                    name: http
                    protocol: HTTP
                  resolution: DNS
                  endpoints:
                  - address: eu.mirror.example.net
                    locality: eu
                  - address: 192.0.2.10
                    labels:
                      tier: backup
                """);

        assertThat(registry.endpoints("mirror.example.com", 80, Map.of()))
                .extracting(Endpoint::address).containsExactly("eu.mirror.example.net", "192.0.2.10");
        assertThat(registry.endpoints("mirror.example.com", 80, Map.of("tier", "backup")))
                .extracting(Endpoint::address).containsExactly("192.0.2.10");
    }

    @Test
    void dnsRoundRobinBehavesLikeDnsForEndpoints() {
        ServiceRegistry registry = registry("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: rr
                  namespace: egress
                spec:
                  hosts:
                  - rr.example.com
                  ports:
                  - number: 443
                    name: tls
                    protocol: TLS
                  resolution: DNS_ROUND_ROBIN
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: rr-pinned
                  namespace: egress
                spec:
                  hosts:
                  - pinned.example.com
                  ports:
                  - number: 443
                    name: tls
                    protocol: TLS
                  resolution: DNS_ROUND_ROBIN
                  endpoints:
                  - address: edge.example.net
                    ports:
                      tls: 8443
                """);

        assertThat(registry.service("rr.example.com").orElseThrow().resolution()).isEqualTo(Resolution.DNS_ROUND_ROBIN);
        assertThat(registry.endpoints("rr.example.com", 443, Map.of())).extracting(Endpoint::address).containsExactly("rr.example.com");
        assertThat(registry.endpoints("pinned.example.com", 443, Map.of()))
                .singleElement().satisfies(endpoint -> {
                    assertThat(endpoint.address()).isEqualTo("edge.example.net");
                    assertThat(endpoint.port(443)).isEqualTo(8443);
                });
    }

    @Test
    void noneIsPassthroughWithoutEndpoints() {
        ServiceRegistry registry = registry("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: originals
                  namespace: egress
                spec:
                  hosts:
                  - db.example.com
                  addresses:
                  - 10.20.0.0/16
                  ports:
                  - number: 5432
                    name: tcp-postgres
                    protocol: TCP
                  resolution: NONE
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: unspecified
                  namespace: egress
                spec:
                  hosts:
                  - cache.example.com
                  ports:
                  - number: 6379
                    name: tcp-redis
                    protocol: TCP
                """);

        MeshService db = registry.service("db.example.com").orElseThrow();
        assertThat(db.passthrough()).isTrue();
        assertThat(db.resolution()).isEqualTo(Resolution.NONE);
        assertThat(db.addresses()).containsExactly("10.20.0.0/16");
        assertThat(db.endpoints()).isEmpty();
        assertThat(db.endpoints(5432)).isEmpty();
        assertThat(registry.endpoints("db.example.com", 5432, Map.of())).isEmpty();
        assertThat(registry.knows("db.example.com")).isTrue();
        MeshService cache = registry.service("cache.example.com").orElseThrow();
        assertThat(cache.resolution()).as("no resolution written is NONE, Istio's default").isEqualTo(Resolution.NONE);
        assertThat(cache.passthrough()).isTrue();
    }
}
