package io.inmesh.core.registry;

import static io.inmesh.core.registry.RegistryFixture.registry;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Host lookups: hosts as written, case-insensitive, exact before wildcard, the most specific wildcard first. */
class HostsTest {

    private final ServiceRegistry registry = registry("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: anything-example
              namespace: egress
            spec:
              hosts:
              - "*.example.com"
              ports:
              - number: 443
                name: tls
                protocol: TLS
              resolution: NONE
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: api-example
              namespace: egress
            spec:
              hosts:
              - "*.API.example.com"
              ports:
              - number: 443
                name: tls
                protocol: TLS
              resolution: STATIC
              endpoints:
              - address: 192.0.2.1
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: www-example
              namespace: egress
            spec:
              hosts:
              - www.example.com
              ports:
              - number: 443
                name: tls
                protocol: TLS
              resolution: DNS
            """);

    @Test
    void anExactHostWinsOverWildcards() {
        assertThat(registry.service("www.example.com")).hasValueSatisfying(service -> {
            assertThat(service.host()).isEqualTo("www.example.com");
            assertThat(service.serviceEntries()).containsExactly("ServiceEntry/egress/www-example");
        });
    }

    @Test
    void theMostSpecificWildcardWins() {
        assertThat(registry.service("eu.api.example.com").orElseThrow().host()).isEqualTo("*.api.example.com");
        assertThat(registry.service("a.b.api.example.com").orElseThrow().host()).isEqualTo("*.api.example.com");
        assertThat(registry.service("mail.example.com").orElseThrow().host()).isEqualTo("*.example.com");
        assertThat(registry.service("api.example.com").orElseThrow().host())
                .as("*.api.example.com needs a label before api").isEqualTo("*.example.com");
        assertThat(registry.endpoints("eu.api.example.com", 443, Map.of())).extracting(Endpoint::address).containsExactly("192.0.2.1");
        assertThat(registry.endpoints("mail.example.com", 443, Map.of())).as("passthrough").isEmpty();
    }

    @Test
    void aWildcardDoesNotMatchItsBareDomainOrOtherDomains() {
        assertThat(registry.service("example.com")).isEmpty();
        assertThat(registry.service("example.org")).isEmpty();
        assertThat(registry.service("notexample.com")).isEmpty();
        assertThat(registry.knows("example.com")).isFalse();
        assertThat(registry.knows("x.example.com")).isTrue();
    }

    @Test
    void hostsAreLowerCasedAndLookupsIgnoreCase() {
        assertThat(registry.service("*.api.example.com").orElseThrow().host()).isEqualTo("*.api.example.com");
        assertThat(registry.service("EU.Api.Example.COM").orElseThrow().host()).isEqualTo("*.api.example.com");
        assertThat(registry.service("WWW.EXAMPLE.COM").orElseThrow().host()).isEqualTo("www.example.com");
        assertThat(registry.service("www.example.com", "egress")).isEqualTo(registry.service("www.example.com"));
    }

    @Test
    void serviceEntryHostsAreTakenAsWrittenNotQualifiedWithTheNamespace() {
        // Istio's convertServices uses each host as written: a short name is not expanded to
        // name.namespace.svc.cluster.local, unlike hosts in VirtualServices and DestinationRules.
        ServiceRegistry shortNames = registry("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: legacy
                  namespace: bookinfo
                spec:
                  hosts:
                  - legacy-db
                  - ratings.bookinfo
                  ports:
                  - number: 8080
                    name: http
                    protocol: HTTP
                  resolution: STATIC
                  endpoints:
                  - address: 10.5.0.1
                """);

        assertThat(shortNames.services()).extracting(MeshService::host).containsExactly("legacy-db", "ratings.bookinfo");
        assertThat(shortNames.knows("legacy-db")).isTrue();
        assertThat(shortNames.knows("legacy-db.bookinfo.svc.cluster.local")).isFalse();
        assertThat(shortNames.knows("ratings.bookinfo.svc.cluster.local")).isFalse();
    }
}
