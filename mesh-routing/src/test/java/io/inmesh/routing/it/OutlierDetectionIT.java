package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.Mesh;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.routing.RoutingExtension;
import io.inmesh.core.testing.TestConfigSource;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

/**
 * Outlier detection against real upstreams, on a fake clock: four instances of ratings, balanced round
 * robin so that each gets every fourth request. The 5th consecutive 5xx of an instance ejects it (no
 * request reaches it) until the sweep after {@code baseEjectionTime}; {@code maxEjectionPercent} caps
 * how many are ejected when all fail; below {@code minHealthPercent} every instance is used again.
 */
@ExtendWith(BlockHoundExtension.class)
class OutlierDetectionIT {

    private static final String URL = "http://ratings:9080/ratings/0";

    private final List<UpstreamWorkload> instances = new ArrayList<>();
    private final List<AtomicBoolean> failing = new ArrayList<>();
    private final List<AtomicBoolean> hanging = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private Mesh mesh;

    /** Four ratings instances that answer 500 while their switch is on, and a caller whose clock the test moves. */
    private void start(int maxEjectionPercent, int minHealthPercent) {
        start(maxEjectionPercent, minHealthPercent, "");
    }

    /** As {@link #start(int, int)}, with {@code routeSettings} (YAML at the route's indentation) added to the route. */
    private void start(int maxEjectionPercent, int minHealthPercent, String routeSettings) {
        List<String> documents = new ArrayList<>(List.of(Yaml.serviceEntry("ratings")));
        for (int i = 0; i < 4; i++) {
            AtomicBoolean fail = new AtomicBoolean();
            AtomicBoolean hang = new AtomicBoolean();
            String name = "ratings-" + (char) ('a' + i);
            UpstreamWorkload instance = UpstreamWorkload.start(name, "ratings", "v1", self -> request -> hang.get()
                    ? request.body().doOnNext(ByteBuf::release).then(Mono.never())
                    : fail.get()
                    ? request.body().doOnNext(ByteBuf::release).then(Mono.fromSupplier(() -> MeshResponse.text(500, name)))
                    : self.answerWithName(request));
            instances.add(instance);
            failing.add(fail);
            hanging.add(hang);
            documents.add(instance.workloadEntry());
        }
        documents.add("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: ratings
                  namespace: bookinfo
                spec:
                  hosts:
                  - ratings
                  http:
                  - route:
                    - destination:
                        host: ratings
                    retries:
                      attempts: 0
                %s""".formatted(routeSettings));
        documents.add("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: ratings
                  namespace: bookinfo
                spec:
                  host: ratings
                  trafficPolicy:
                    loadBalancer:
                      simple: ROUND_ROBIN
                    outlierDetection:
                      consecutive5xxErrors: 5
                      interval: 1s
                      baseEjectionTime: 30s
                      maxEjectionPercent: %d
                      minHealthPercent: %d
                """.formatted(maxEjectionPercent, minHealthPercent));
        TestConfigSource source = new TestConfigSource().push(documents.toArray(String[]::new));
        Random random = new Random(7);
        mesh = Meshes.client(source, "productpage-v1", Map.of("app", "productpage"),
                builder -> builder.extension(new RoutingExtension(() -> random, clock::get)));
    }

    @AfterEach
    void stop() {
        if (mesh != null) {
            mesh.close();
        }
        instances.forEach(UpstreamWorkload::close);
    }

    private Set<String> servedBy(int requests) {
        Set<String> served = new TreeSet<>();
        for (int i = 0; i < requests; i++) {
            served.add(Meshes.get(mesh, URL));
        }
        return served;
    }

    private void advance(long seconds) {
        clock.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void theFifthConsecutive5xxEjectsTheEndpointUntilBaseEjectionTimeHasPassed() {
        start(50, 0);
        failing.get(0).set(true);
        UpstreamWorkload bad = instances.get(0);
        // Round robin: ratings-a gets every 4th request; its first four 500s leave it in service.
        int sent = 0;
        while (bad.requests() < 4) {
            Meshes.get(mesh, URL);
            sent++;
        }
        assertThat(sent).isLessThanOrEqualTo(16);
        Meshes.get(mesh, URL);
        Meshes.get(mesh, URL);
        Meshes.get(mesh, URL);
        Meshes.get(mesh, URL);
        assertThat(bad.requests()).as("the 5th 500 was answered").isEqualTo(5);

        // Ejected: no request reaches it.
        assertThat(servedBy(30)).containsExactly("ratings-b", "ratings-c", "ratings-d");
        assertThat(bad.requests()).isEqualTo(5);
        advance(29);
        assertThat(servedBy(12)).doesNotContain("ratings-a");
        assertThat(bad.requests()).isEqualTo(5);

        // Back after baseEjectionTime (30 s, on a 1 s sweep), and now healthy.
        failing.get(0).set(false);
        advance(1);
        assertThat(servedBy(12)).containsExactly("ratings-a", "ratings-b", "ratings-c", "ratings-d");
    }

    @Test
    void requestsCutByTheRouteTimeoutCountAsGatewayErrorsTowardsEjection() {
        // Envoy reports a request its route timeout cut as a timeout (504) to outlier detection.
        start(50, 0, "    timeout: 200ms\n");
        hanging.get(0).set(true);
        UpstreamWorkload silent = instances.get(0);
        int timedOut = 0;
        for (int i = 0; i < 20; i++) {
            try {
                Meshes.get(mesh, URL);
            } catch (MeshException.UpstreamTimeout e) {
                timedOut++;
            }
        }
        // The silent instance gets every 4th request until its 5th timeout ejects it. (A healthy instance
        // may also miss the 200 ms on a machine busy with other work: at least 5, then.)
        assertThat(timedOut).as("ratings-a never answers: every 4th request times out until it is ejected").isGreaterThanOrEqualTo(5);
        assertThat(silent.requests()).isEqualTo(5);
        assertThat(servedBy(12)).containsExactly("ratings-b", "ratings-c", "ratings-d");
    }

    @Test
    void maxEjectionPercentIsHonouredWhenEveryEndpointFails() {
        start(50, 0);
        failing.forEach(fail -> fail.set(true));
        servedBy(40);
        // 50 % of 4: two are ejected, the other two keep answering (with 500s) however long they fail.
        Set<String> stillServing = servedBy(20);
        assertThat(stillServing).hasSize(2);
        assertThat(servedBy(20)).isEqualTo(stillServing);
    }

    @Test
    void belowMinHealthPercentTrafficGoesToEveryEndpoint() {
        start(100, 75);
        failing.get(0).set(true);
        servedBy(20);
        // One of four ejected: 75 % healthy is not below 75 %, so ratings-a is left out.
        assertThat(servedBy(12)).containsExactly("ratings-b", "ratings-c", "ratings-d");

        failing.get(1).set(true);
        servedBy(15);
        // Two ejected: 50 % < 75 %, panic: all four are used again, the ejected ones too.
        assertThat(servedBy(12)).containsExactly("ratings-a", "ratings-b", "ratings-c", "ratings-d");
    }
}
