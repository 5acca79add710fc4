package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.Mesh;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.routing.RoutingExtension;
import io.inmesh.core.testing.TestConfigSource;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

/**
 * A 90/10 weighted split between two versions, over real sockets: the shares are those of the
 * weights within the binomial tolerance, and a seed makes the split reproducible.
 */
@ExtendWith(BlockHoundExtension.class)
class WeightedSplitIT {

    private static final int REQUESTS = 2000;
    private static final int CONCURRENCY = 32;
    private static final long SEED = 20240917L;

    private static UpstreamWorkload v1;
    private static UpstreamWorkload v2;
    private static TestConfigSource source;

    @BeforeAll
    static void start() {
        v1 = UpstreamWorkload.start("reviews-v1", "reviews", "v1");
        v2 = UpstreamWorkload.start("reviews-v2", "reviews", "v2");
        source = new TestConfigSource().push(Yaml.serviceEntry("reviews"), v1.workloadEntry(), v2.workloadEntry(),
                Yaml.reviewsSubsets(), """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts:
                  - reviews
                  http:
                  - route:
                    - destination:
                        host: reviews
                        subset: v1
                      weight: 90
                    - destination:
                        host: reviews
                        subset: v2
                      weight: 10
                """);
    }

    @AfterAll
    static void stop() {
        v1.close();
        v2.close();
    }

    /**
     * A mesh whose weighted picks come from one {@code java.util.Random} seeded with {@code seed}. The
     * extension asks its supplier for a generator on every request, so the supplier must hand out the
     * same generator each time ({@code () -> new SplittableRandom(seed)} would start the same sequence
     * afresh on every request and send them all one way). {@code java.util.Random} is thread-safe, and
     * the requests draw the seed's sequence between them whichever request draws which number, so the
     * counts are reproducible under concurrency too ({@code nextInt(100)} takes one number of the
     * sequence per call, but for a rejection with odds of about 2 in 10^8).
     */
    private static Mesh seededMesh(long seed) {
        Random random = new Random(seed);
        return Meshes.client(source, "productpage-v1", Map.of("app", "productpage"),
                builder -> builder.extension(new RoutingExtension(() -> random)));
    }

    private static Map<String, Long> servedBy(Mesh mesh, int requests) {
        return Flux.range(0, requests)
                .flatMap(i -> mesh.client().get("http://reviews:9080/reviews/" + i).retrieve(), CONCURRENCY)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                .block(Duration.ofSeconds(30));
    }

    @Test
    void sharesFollowTheWeightsWithinTheBinomialTolerance() {
        int v1Before = v1.requests();
        int v2Before = v2.requests();
        Map<String, Long> served;
        try (Mesh mesh = seededMesh(SEED)) {
            served = servedBy(mesh, REQUESTS);
        }

        assertThat(served.keySet()).containsExactlyInAnyOrder("reviews-v1", "reviews-v2");
        assertThat(served.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(REQUESTS);
        // Binomial(n = 2000, p = 0.9): mean 1800, sigma = sqrt(n p (1 - p)) = 13.4; 4.5 sigma either side.
        double p = 0.9;
        double mean = REQUESTS * p;
        double tolerance = 4.5 * Math.sqrt(REQUESTS * p * (1 - p));
        assertThat((double) served.get("reviews-v1")).isBetween(mean - tolerance, mean + tolerance);
        // The servers saw the same split as the caller: every answer came from the instance it names.
        assertThat(v1.requests() - v1Before).isEqualTo(served.get("reviews-v1").intValue());
        assertThat(v2.requests() - v2Before).isEqualTo(served.get("reviews-v2").intValue());
    }

    @Test
    void theSameSeedGivesTheSameSplit() {
        Map<String, Long> first;
        Map<String, Long> second;
        try (Mesh mesh = seededMesh(SEED)) {
            first = servedBy(mesh, 500);
        }
        try (Mesh mesh = seededMesh(SEED)) {
            second = servedBy(mesh, 500);
        }
        assertThat(second).isEqualTo(first);
        assertThat(first.keySet()).containsExactlyInAnyOrder("reviews-v1", "reviews-v2");
    }
}
