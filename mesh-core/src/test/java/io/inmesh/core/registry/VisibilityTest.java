package io.inmesh.core.registry;

import static io.inmesh.core.registry.RegistryFixture.registry;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code exportTo} decides which namespaces see a service, and which of several services for a host they see. */
class VisibilityTest {

    private static String serviceEntry(String name, String namespace, String host, String exportTo, String address) {
        return """
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  hosts:
                  - %s
                  ports:
                  - number: 80
                    name: http
                    protocol: HTTP
                  resolution: STATIC
                  endpoints:
                  - address: %s
                %s
                """.formatted(name, namespace, host, address, exportTo.isEmpty() ? "" : "  exportTo: " + exportTo);
    }

    @Test
    void exportToDecidesTheNamespacesThatSeeAService() {
        ServiceRegistry registry = registry(
                serviceEntry("default-export", "a", "default.example", "", "10.0.0.1")
                        + serviceEntry("everyone", "a", "everyone.example", "[\"*\"]", "10.0.0.2")
                        + serviceEntry("own", "a", "own.example", "[\".\"]", "10.0.0.3")
                        + serviceEntry("nobody", "a", "nobody.example", "[\"~\"]", "10.0.0.4")
                        + serviceEntry("listed", "a", "listed.example", "[b, c]", "10.0.0.5")
                        + serviceEntry("own-and-listed", "a", "mixed.example", "[\".\", b]", "10.0.0.6"));

        assertVisibility(registry, "default.example", "a", true, "b", true, "z", true);
        assertVisibility(registry, "everyone.example", "a", true, "b", true, "z", true);
        assertVisibility(registry, "own.example", "a", true, "b", false, "z", false);
        assertVisibility(registry, "nobody.example", "a", false, "b", false, "z", false);
        assertVisibility(registry, "listed.example", "a", false, "b", true, "c", true);
        assertVisibility(registry, "mixed.example", "a", true, "b", true, "c", false);
    }

    private static void assertVisibility(ServiceRegistry registry, String host, Object... namespaceThenVisible) {
        MeshService service = registry.service(host).orElseThrow();
        for (int i = 0; i < namespaceThenVisible.length; i += 2) {
            String namespace = (String) namespaceThenVisible[i];
            boolean visible = (Boolean) namespaceThenVisible[i + 1];
            assertThat(service.visibleTo(namespace)).as("%s visible to %s", host, namespace).isEqualTo(visible);
            assertThat(registry.service(host, namespace).isPresent()).as("%s found from %s", host, namespace).isEqualTo(visible);
        }
    }

    @Test
    void aNamespaceSeesTheServiceOfAHostThatIsVisibleToIt() {
        ServiceRegistry registry = registry(
                serviceEntry("db", "team-a", "db.shared.example", "[\".\"]", "10.1.0.1")
                        + serviceEntry("db", "team-b", "db.shared.example", "[\".\"]", "10.2.0.1"));

        assertThat(registry.services()).hasSize(2);
        assertThat(registry.service("db.shared.example", "team-a").orElseThrow().namespace()).isEqualTo("team-a");
        assertThat(registry.service("db.shared.example", "team-b").orElseThrow().namespace()).isEqualTo("team-b");
        assertThat(registry.service("db.shared.example", "team-c")).isEmpty();
        assertThat(registry.service("db.shared.example").orElseThrow().namespace()).as("without a namespace: the first read").isEqualTo("team-a");
    }

    @Test
    void servicesExportedToANamespaceComeBeforeServicesExportedToAll() {
        // Istio's servicesExportedToNamespace lists private and explicitly exported services before public ones.
        ServiceRegistry registry = registry(
                serviceEntry("public", "platform", "api.shared.example", "", "10.1.0.1")
                        + serviceEntry("for-team-b", "team-a", "api.shared.example", "[team-b]", "10.2.0.1"));

        assertThat(registry.service("api.shared.example", "team-b").orElseThrow().namespace()).isEqualTo("team-a");
        assertThat(registry.service("api.shared.example", "team-c").orElseThrow().namespace()).isEqualTo("platform");
        assertThat(registry.service("api.shared.example", "team-a").orElseThrow().namespace())
                .as("team-a's own entry is exported only to team-b").isEqualTo("platform");
    }

    @Test
    void anInvisibleExactHostFallsBackToAVisibleWildcard() {
        ServiceRegistry registry = registry(
                serviceEntry("private-api", "team-a", "api.example.com", "[\".\"]", "10.1.0.1")
                        + """
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: ServiceEntry
                        metadata:
                          name: any-example
                          namespace: egress
                        spec:
                          hosts:
                          - "*.example.com"
                          ports:
                          - number: 80
                            name: http
                            protocol: HTTP
                          resolution: NONE
                        """);

        assertThat(registry.service("api.example.com", "team-a").orElseThrow().host()).isEqualTo("api.example.com");
        assertThat(registry.service("api.example.com", "team-b").orElseThrow().host()).isEqualTo("*.example.com");
    }
}
