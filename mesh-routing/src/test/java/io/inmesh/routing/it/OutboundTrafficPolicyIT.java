package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.inmesh.core.Mesh;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.model.Sidecar.OutboundTrafficPolicy.Mode;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The outbound traffic policy: under {@code REGISTRY_ONLY} a call to a host the registry does not
 * know fails before any connection is opened; a Sidecar can allow it again for its workloads; and
 * under {@code ALLOW_ANY}, the default, the call goes to the host as the application named it.
 *
 * <p>The unknown host is {@code localhost}: no ServiceEntry names it, and it resolves to the
 * loopback address where a plain server counts the connections it accepts.
 */
@ExtendWith(BlockHoundExtension.class)
class OutboundTrafficPolicyIT {

    private static final Map<String, String> PRODUCTPAGE = Map.of("app", "productpage", "version", "v1");
    private static final Map<String, String> RATINGS = Map.of("app", "ratings", "version", "v1");

    private static final String ALLOW_ANY_FOR_PRODUCTPAGE = """
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata:
              name: productpage
              namespace: bookinfo
            spec:
              workloadSelector:
                labels:
                  app: productpage
              outboundTrafficPolicy:
                mode: ALLOW_ANY
            """;

    private ExternalServer external;
    private UpstreamWorkload reviews;
    private String unknownUrl;

    @BeforeEach
    void start() {
        external = new ExternalServer();
        reviews = UpstreamWorkload.start("reviews-v1", "reviews", "v1");
        unknownUrl = "http://localhost:" + external.port() + "/status";
    }

    @AfterEach
    void stop() {
        external.close();
        reviews.close();
    }

    private TestConfigSource registry(String... more) {
        TestConfigSource source = new TestConfigSource();
        String[] documents = new String[more.length + 2];
        documents[0] = Yaml.serviceEntry("reviews");
        documents[1] = reviews.workloadEntry();
        System.arraycopy(more, 0, documents, 2, more.length);
        return source.push(documents);
    }

    @Test
    void registryOnlyRefusesAnUnknownHostWithoutOpeningAConnection() {
        try (Mesh mesh = Meshes.client(registry(), "productpage-v1", PRODUCTPAGE, b -> b.outboundTrafficPolicy(Mode.REGISTRY_ONLY))) {
            MeshException.EgressBlocked blocked = catchThrowableOfType(MeshException.EgressBlocked.class,
                    () -> Meshes.get(mesh, unknownUrl));

            assertThat(blocked.status()).isEqualTo(502);
            assertThat(blocked.flag()).isEqualTo(ResponseFlag.NR);
            assertThat(blocked.reason()).contains("localhost:" + external.port()).contains("REGISTRY_ONLY").contains("ServiceEntry");
            assertThat(external.acceptedConnections()).isZero();
            assertThat(external.requests()).isZero();

            // A host the registry knows is still reachable.
            assertThat(Meshes.get(mesh, "http://reviews:9080/reviews/1")).isEqualTo("reviews-v1");
        }
        // The server does count connections: the same call from an ALLOW_ANY mesh opens exactly one.
        try (Mesh open = Meshes.client(registry(), "productpage-v1", PRODUCTPAGE)) {
            assertThat(Meshes.get(open, unknownUrl)).isEqualTo("external");
        }
        assertThat(external.acceptedConnections()).isEqualTo(1);
    }

    @Test
    void aSidecarThatSelectsTheWorkloadAllowsAnyAgain() {
        TestConfigSource source = registry(ALLOW_ANY_FOR_PRODUCTPAGE);
        try (Mesh productpage = Meshes.client(source, "productpage-v1", PRODUCTPAGE, b -> b.outboundTrafficPolicy(Mode.REGISTRY_ONLY));
                Mesh ratings = Meshes.client(source, "ratings-v1", RATINGS, b -> b.outboundTrafficPolicy(Mode.REGISTRY_ONLY))) {
            assertThat(Meshes.get(productpage, unknownUrl)).isEqualTo("external");
            assertThat(external.acceptedConnections()).isEqualTo(1);

            // The Sidecar selects productpage only: ratings keeps the mesh-wide REGISTRY_ONLY.
            MeshException.EgressBlocked blocked = catchThrowableOfType(MeshException.EgressBlocked.class,
                    () -> Meshes.get(ratings, unknownUrl));
            assertThat(blocked.reason()).contains("the mesh default");
            assertThat(external.acceptedConnections()).isEqualTo(1);
        }
    }

    @Test
    void aSidecarCanMakeItRegistryOnlyForItsNamespace() {
        TestConfigSource source = registry("""
                apiVersion: networking.istio.io/v1
                kind: Sidecar
                metadata:
                  name: default
                  namespace: bookinfo
                spec:
                  outboundTrafficPolicy:
                    mode: REGISTRY_ONLY
                """);
        try (Mesh mesh = Meshes.client(source, "productpage-v1", PRODUCTPAGE)) {
            MeshException.EgressBlocked blocked = catchThrowableOfType(MeshException.EgressBlocked.class,
                    () -> Meshes.get(mesh, unknownUrl));
            assertThat(blocked.reason()).contains("Sidecar/bookinfo/default");
            assertThat(external.acceptedConnections()).isZero();
        }
    }

    @Test
    void allowAnyIsTheDefaultAndPassesAnUnknownHostThrough() {
        try (Mesh mesh = Meshes.client(registry(), "productpage-v1", PRODUCTPAGE)) {
            assertThat(Meshes.get(mesh, unknownUrl)).isEqualTo("external");
            assertThat(Meshes.get(mesh, "http://localhost:" + external.port() + "/other")).isEqualTo("external");
        }
        assertThat(external.requests()).isEqualTo(2);
    }
}
