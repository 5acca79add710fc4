package io.inmesh.core.registry;

import static io.inmesh.core.registry.RegistryFixture.istioTestdata;
import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.model.ServiceEntry.Location;
import io.inmesh.core.model.ServicePort;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The ServiceEntries of Istio's config test data ({@code tests/testdata/config/} in istio/istio,
 * copied unchanged into {@code src/test/resources/istio-conformance/testdata}) compile into the
 * services Istio's ServiceEntry registry makes of them.
 */
class IstioTestdataTest {

    /** {@code host namespace RESOLUTION}, then each port with its endpoints as {@code address:port}. */
    private static String describe(MeshService service) {
        String ports = service.ports().stream()
                .map(port -> port.number() + "/" + port.name() + " -> " + service.endpoints(port.number()).stream()
                        .map(endpoint -> endpoint.address() + ":" + endpoint.port(port.number()))
                        .collect(Collectors.joining(", ", "[", "]")))
                .collect(Collectors.joining("; "));
        return service.host() + " " + service.namespace() + " " + service.resolution() + " " + ports;
    }

    private static List<String> describe(ServiceRegistry registry) {
        return registry.services().stream().map(IstioTestdataTest::describe).toList();
    }

    @Test
    void seExample() {
        ServiceRegistry registry = istioTestdata("se-example.yaml");

        assertThat(describe(registry)).containsExactly(
                "test.seexamples seexamples STATIC 1200/tcplocal -> [10.12.0.1:21200]",
                "mymongodb.somedomain seexamples STATIC 27018/mongodb -> [2.2.2.2:27018, 3.3.3.3:27018]",
                "api.dropboxapi.com seexamples DNS 443/https -> [api.dropboxapi.com:443]",
                "www.googleapis.com seexamples DNS 443/https -> [www.googleapis.com:443]",
                "api.facebook.com seexamples DNS 443/https -> [api.facebook.com:443]",
                "*.bar.com seexamples NONE 80/http -> []",
                "example.unix.local seexamples STATIC 8001/http -> [unix:///var/run/example/socket:0]",
                "foo.bar.com seexamples DNS 8000/http -> [us.foo.bar.com:8080, uk.foo.bar.com:9080, in.foo.bar.com:7080]");
        assertThat(registry.service("test.seexamples").orElseThrow().location()).isEqualTo(Location.MESH_INTERNAL);
        assertThat(registry.service("mymongodb.somedomain").orElseThrow().addresses()).containsExactly("192.192.192.192/24");
        assertThat(registry.service("api.facebook.com").orElseThrow().location()).isEqualTo(Location.MESH_EXTERNAL);
        assertThat(registry.service("foo.bar.com").orElseThrow().host()).as("exact before *.bar.com").isEqualTo("foo.bar.com");
        assertThat(registry.service("baz.bar.com").orElseThrow().passthrough()).isTrue();
        assertThat(registry.service("example.unix.local").orElseThrow().endpoints().get(0).isUnixSocket()).isTrue();
    }

    @Test
    void staticWeightedServiceEntry() {
        ServiceRegistry registry = istioTestdata("static-weighted-se.yaml");

        MeshService service = registry.service("weighted.static.svc.cluster.local").orElseThrow();
        assertThat(service.namespace()).as("no namespace in the file").isEqualTo("default");
        assertThat(service.ports()).containsExactly(new ServicePort(80, "HTTP", "http", null));
        assertThat(service.endpoints(80))
                .extracting(endpoint -> endpoint.address() + " " + endpoint.locality() + " " + endpoint.weight())
                .containsExactly("3.3.3.3 a 1", "2.2.2.2 a 8", "1.1.1.1 b 3");
    }

    @Test
    void externalServices() {
        ServiceRegistry registry = istioTestdata("external_services.yaml");

        assertThat(describe(registry)).containsExactly(
                "external.extsvc.com testns DNS 1443/extsvc-http -> [external.extsvc.com:1443]",
                "ports.extsvc.com testns DNS 443/extsvc-https -> [ports.extsvc.com:443]; 8443/https-ports2 -> [ports.extsvc.com:8443]",
                "ports1.extsvc.com testns DNS 443/extsvc-https -> [ports1.extsvc.com:443]; 8443/https-ports2 -> [ports1.extsvc.com:8443]",
                "dst.extsvc.com testns NONE 8001/extsvc-http -> []",
                "ep.extsvc.com testns STATIC 8002/extsvc-http -> [127.0.0.2:8080, 127.0.0.3:8002]");
        assertThat(registry.service("dst.extsvc.com").orElseThrow().passthrough()).isTrue();
    }

    @Test
    void bringYourOwnName() {
        ServiceRegistry registry = istioTestdata("byon.yaml");

        assertThat(describe(registry)).containsExactly(
                "byon.test.istio.io testns STATIC 80/http -> [127.0.0.2:7072]",
                "byon-docker.test.istio.io testns STATIC 7072/http -> [172.18.0.3:7072]",
                "www.wikipedia.org testns NONE 443/tcp-port -> []");
        assertThat(registry.service("www.wikipedia.org").orElseThrow().addresses()).containsExactly(
                "91.198.174.192/27", "103.102.166.224/27", "198.35.26.96/27", "208.80.153.224/27", "208.80.154.224/27");
        assertThat(registry.knows("mybyon.test.istio.io")).as("a VirtualService host, not a service").isFalse();
        assertThat(registry.endpoints("byon.test.istio.io", 80, Map.of())).extracting(Endpoint::address).containsExactly("127.0.0.2");
    }
}
