package io.inmesh.core.registry;

import static io.inmesh.core.registry.RegistryFixture.registry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inmesh.core.model.ServiceEntry.Location;
import io.inmesh.core.model.ServiceEntry.Resolution;
import io.inmesh.core.model.ServicePort;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A STATIC ServiceEntry's inline endpoints: their properties, subsets, and lookups that compute nothing. */
class StaticEndpointsTest {

    private static final String REVIEWS = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: reviews
              namespace: shop
            spec:
              hosts:
              - reviews.shop.example
              addresses:
              - 240.0.0.10
              ports:
              - number: 9080
                name: http
                protocol: HTTP
              - number: 9443
                name: tls
                protocol: TLS
                targetPort: 8443
              location: MESH_INTERNAL
              resolution: STATIC
              subjectAltNames:
              - spiffe://cluster.local/ns/shop/sa/reviews
              endpoints:
              - address: 10.0.0.1
                labels:
                  version: v1
                  zone: a
                locality: us-east/a
                serviceAccount: reviews
              - address: 10.0.0.2
                labels:
                  version: v2
                  zone: a
                weight: 3
                network: net-2
              - address: 10.0.0.3
                labels:
                  version: v2
                  zone: b
                weight: 0
            """;

    private final ServiceRegistry registry = registry(REVIEWS);

    @Test
    void theServiceCarriesTheServiceEntrysAttributes() {
        MeshService service = registry.service("reviews.shop.example").orElseThrow();

        assertThat(service.host()).isEqualTo("reviews.shop.example");
        assertThat(service.namespace()).isEqualTo("shop");
        assertThat(service.resolution()).isEqualTo(Resolution.STATIC);
        assertThat(service.passthrough()).isFalse();
        assertThat(service.location()).isEqualTo(Location.MESH_INTERNAL);
        assertThat(service.addresses()).containsExactly("240.0.0.10");
        assertThat(service.subjectAltNames()).containsExactly("spiffe://cluster.local/ns/shop/sa/reviews");
        assertThat(service.serviceEntries()).containsExactly("ServiceEntry/shop/reviews");
        assertThat(service.ports()).containsExactly(
                new ServicePort(9080, "HTTP", "http", null),
                new ServicePort(9443, "TLS", "tls", 8443));
        assertThat(service.port(9443)).contains(new ServicePort(9443, "TLS", "tls", 8443));
        assertThat(service.port(1234)).isEmpty();
    }

    @Test
    void endpointsKeepTheirWrittenOrderAndProperties() {
        List<Endpoint> endpoints = registry.endpoints("reviews.shop.example", 9080, Map.of());

        assertThat(endpoints).extracting(Endpoint::address).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        Endpoint first = endpoints.get(0);
        assertThat(first.labels()).containsOnly(Map.entry("version", "v1"), Map.entry("zone", "a"));
        assertThat(first.weight()).isEqualTo(1);
        assertThat(first.locality()).isEqualTo("us-east/a");
        assertThat(first.serviceAccount()).isEqualTo("reviews");
        assertThat(first.network()).isEmpty();
        assertThat(endpoints.get(1).weight()).isEqualTo(3);
        assertThat(endpoints.get(1).network()).isEqualTo("net-2");
        assertThat(endpoints.get(2).weight()).as("weight 0 is Istio's default, 1").isEqualTo(1);
        assertThat(first.isUnixSocket()).isFalse();
    }

    @Test
    void everyEndpointServesEveryPortOfItsServiceEntry() {
        MeshService service = registry.service("reviews.shop.example").orElseThrow();

        assertThat(service.endpoints()).hasSize(3).allSatisfy(endpoint -> {
            assertThat(endpoint.port(9080)).isEqualTo(9080);
            assertThat(endpoint.port(9443)).isEqualTo(8443);
            assertThat(endpoint.ports()).containsExactly(Map.entry(9080, 9080), Map.entry(9443, 8443));
        });
        assertThat(service.endpoints(9443)).isEqualTo(service.endpoints(9080));
    }

    @Test
    void aSubsetSelectsTheEndpointsWhoseLabelsContainAllOfItsLabels() {
        assertThat(registry.endpoints("reviews.shop.example", 9080, Map.of("version", "v2")))
                .extracting(Endpoint::address).containsExactly("10.0.0.2", "10.0.0.3");
        assertThat(registry.endpoints("reviews.shop.example", 9080, Map.of("version", "v2", "zone", "b")))
                .extracting(Endpoint::address).containsExactly("10.0.0.3");
        assertThat(registry.endpoints("reviews.shop.example", 9080, Map.of("version", "v3"))).isEmpty();
        assertThat(registry.endpoints("reviews.shop.example", 9080, Map.of("version", "v1", "zone", "b"))).isEmpty();
    }

    @Test
    void unknownHostsAndPortsHaveNoEndpoints() {
        assertThat(registry.endpoints("ratings.shop.example", 9080, Map.of())).isEmpty();
        assertThat(registry.endpoints("reviews.shop.example", 1234, Map.of())).isEmpty();
        assertThat(registry.endpoints("reviews.shop.example", 1234, Map.of("version", "v1"))).isEmpty();
        assertThat(registry.service("ratings.shop.example")).isEmpty();
        assertThat(registry.knows("ratings.shop.example")).isFalse();
        assertThat(registry.knows("reviews.shop.example")).isTrue();
    }

    @Test
    void lookupsReturnTheSameImmutableListsEveryTime() {
        MeshService service = registry.service("reviews.shop.example").orElseThrow();

        assertThat(registry.service("reviews.shop.example").orElseThrow()).isSameAs(service);
        assertThat(registry.service("reviews.shop.example")).isSameAs(registry.service("REVIEWS.shop.example"));
        assertThat(registry.endpoints("reviews.shop.example", 9080, Map.of())).isSameAs(service.endpoints(9080));
        List<Endpoint> v2 = service.endpoints(9080, Map.of("version", "v2"));
        assertThat(service.endpoints(9080, new HashMap<>(Map.of("version", "v2")))).isSameAs(v2);
        assertThatThrownBy(() -> v2.add(v2.get(0))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> service.endpoints().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theSubsetsOfADestinationRuleAreComputedWhenTheRegistryIsCompiled() {
        ServiceRegistry withRule = registry(REVIEWS + """
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: shop
                spec:
                  host: reviews.shop.example
                  subsets:
                  - name: v2
                    labels:
                      version: v2
                """);
        MeshService service = withRule.service("reviews.shop.example").orElseThrow();

        List<Endpoint> v2 = service.endpoints(9080, Map.of("version", "v2"));
        assertThat(v2).extracting(Endpoint::address).containsExactly("10.0.0.2", "10.0.0.3");
        assertThat(service.endpoints(9080, Map.of("version", "v2"))).isSameAs(v2);
    }

    @Test
    void selectorsBeyondTheCacheBoundAreStillAnsweredCorrectly() {
        MeshService service = registry.service("reviews.shop.example").orElseThrow();

        for (int i = 0; i < MeshService.LAZY_SUBSETS_PER_PORT + 10; i++) {
            assertThat(service.endpoints(9080, Map.of("version", "v" + i)))
                    .extracting(Endpoint::address)
                    .containsExactlyElementsOf(switch (i) {
                        case 1 -> List.of("10.0.0.1");
                        case 2 -> List.of("10.0.0.2", "10.0.0.3");
                        default -> List.of();
                    });
        }
        assertThat(service.endpoints(9080, Map.of("zone", "a"))).extracting(Endpoint::address).containsExactly("10.0.0.1", "10.0.0.2");
    }

    @Test
    void anEndpointRefusesAPortItDoesNotServe() {
        Endpoint endpoint = registry.service("reviews.shop.example").orElseThrow().endpoints().get(0);

        assertThat(endpoint.serves(9080)).isTrue();
        assertThat(endpoint.serves(80)).isFalse();
        assertThatThrownBy(() -> endpoint.port(80))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoint 10.0.0.1 does not serve port 80 (expected one of [9080, 9443])");
    }

    @Test
    void anEmptyConfigHasAnEmptyRegistry() {
        ServiceRegistry none = registry("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                spec:
                  host: reviews
                """);

        assertThat(none.services()).isEmpty();
        assertThat(ServiceRegistry.empty().services()).isEmpty();
        assertThat(ServiceRegistry.empty().knows("reviews")).isFalse();
    }
}
