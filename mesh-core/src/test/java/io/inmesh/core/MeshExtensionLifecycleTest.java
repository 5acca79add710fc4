package io.inmesh.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.source.ConfigSource;
import io.inmesh.core.spi.MeshExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** An extension hears when its mesh is ready and when it closes; refused configurations are counted. */
class MeshExtensionLifecycleTest {

    private static final LocalWorkload WORKLOAD = LocalWorkload.of("productpage-v1", "bookinfo", Map.of("app", "productpage"));

    @Test
    void anExtensionIsToldOnceWhenTheMeshIsReadyAndOnceWhenItCloses() {
        List<String> events = new CopyOnWriteArrayList<>();
        MeshExtension extension = new MeshExtension() {
            @Override
            public String name() {
                return "lifecycle";
            }

            @Override
            public void onStart(Mesh mesh) {
                // The mesh is usable here: its rules status and stacks can be read.
                events.add("start " + mesh.workload().name() + " " + mesh.rulesStatus().origin() + " " + mesh.clientStack().size());
            }

            @Override
            public void onClose(Mesh mesh) {
                events.add("close " + mesh.workload().name());
                throw new IllegalStateException("a failing close does not stop the mesh from closing");
            }
        };
        Mesh mesh = Mesh.builder().workload(WORKLOAD).discoverExtensions(false).extension(extension).build();
        assertThat(events).containsExactly("start productpage-v1 NONE " + mesh.clientStack().size());

        mesh.close();
        assertThat(events).containsExactly("start productpage-v1 NONE " + mesh.clientStack().size(), "close productpage-v1");
    }

    @Test
    void everyRefusedConfigurationIsCounted() {
        Sinks.Many<MeshConfig.LoadResult> updates = Sinks.many().unicast().onBackpressureBuffer();
        ConfigSource source = new ConfigSource() {
            @Override
            public Flux<MeshConfig.LoadResult> updates() {
                return updates.asFlux();
            }

            @Override
            public String describe() {
                return "test source";
            }

            @Override
            public void close() {
            }
        };
        String bad = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                    - destination:
                        host: reviews
                      weight: -5
                """;
        try (Mesh mesh = Mesh.builder().workload(WORKLOAD).discoverExtensions(false).configSource(source).build()) {
            assertThat(mesh.rejectedConfigurations()).isZero();
            updates.tryEmitNext(MeshConfig.load("bad.yaml", bad));
            updates.tryEmitNext(MeshConfig.load("bad.yaml", bad));
            assertThat(mesh.rejectedConfigurations()).isEqualTo(2);
            updates.tryEmitNext(MeshConfig.load("good.yaml", bad.replace("weight: -5", "weight: 100")));
            assertThat(mesh.rejectedConfigurations()).as("a count, not the state").isEqualTo(2);
            assertThat(mesh.lastRejection()).isEmpty();
        }
    }
}
