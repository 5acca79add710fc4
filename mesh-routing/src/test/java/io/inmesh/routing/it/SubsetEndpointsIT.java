package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.Mesh;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

/**
 * A subset resolves to the registry's endpoints whose labels it selects: reviews v1 has two
 * instances (two WorkloadEntries) that share its traffic round robin (set in the DestinationRule), and the v2 instance never gets
 * v1 traffic, nor the v1 instances v2 traffic.
 */
@ExtendWith(BlockHoundExtension.class)
class SubsetEndpointsIT {

    /** The reviews subsets, balanced round robin (Istio's default is least request, which does not take turns). */
    private static final String ROUND_ROBIN_SUBSETS = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              host: reviews
              trafficPolicy:
                loadBalancer:
                  simple: ROUND_ROBIN
              subsets:
              - name: v1
                labels:
                  version: v1
              - name: v2
                labels:
                  version: v2
            """;

    private static UpstreamWorkload v1a;
    private static UpstreamWorkload v1b;
    private static UpstreamWorkload v2;
    private static Mesh productpage;

    @BeforeAll
    static void start() {
        v1a = UpstreamWorkload.start("reviews-v1-a", "reviews", "v1");
        v1b = UpstreamWorkload.start("reviews-v1-b", "reviews", "v1");
        v2 = UpstreamWorkload.start("reviews-v2", "reviews", "v2");
        TestConfigSource source = new TestConfigSource().push(Yaml.serviceEntry("reviews"),
                v1a.workloadEntry(), v1b.workloadEntry(), v2.workloadEntry(), ROUND_ROBIN_SUBSETS, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  hosts:
                  - reviews
                  http:
                  - match:
                    - headers:
                        end-user:
                          exact: jason
                    route:
                    - destination:
                        host: reviews
                        subset: v2
                  - route:
                    - destination:
                        host: reviews
                        subset: v1
                """);
        productpage = Meshes.productpage(source);
    }

    @AfterAll
    static void stop() {
        productpage.close();
        v1a.close();
        v1b.close();
        v2.close();
    }

    private int[] before;

    @BeforeEach
    void countRequests() {
        before = new int[] {v1a.requests(), v1b.requests(), v2.requests()};
    }

    private List<Integer> requestsSince() {
        return List.of(v1a.requests() - before[0], v1b.requests() - before[1], v2.requests() - before[2]);
    }

    @Test
    void bothInstancesOfTheSubsetShareItsTrafficRoundRobin() {
        List<String> served = IntStream.range(0, 10).mapToObj(i -> Meshes.get(productpage, "http://reviews:9080/reviews/" + i)).toList();

        // One after the other, the two v1 instances take turns.
        assertThat(served).containsOnly("reviews-v1-a", "reviews-v1-b");
        for (int i = 1; i < served.size(); i++) {
            assertThat(served.get(i)).as("request %d", i).isNotEqualTo(served.get(i - 1));
        }
        assertThat(requestsSince()).containsExactly(5, 5, 0);
    }

    @Test
    void concurrentRequestsAreSpreadEvenlyToo() {
        Flux.range(0, 200)
                .flatMap(i -> productpage.client().get("http://reviews:9080/reviews/" + i).retrieve(), 16)
                .blockLast(Meshes.WAIT);

        // The round-robin position is one counter per cluster: exactly half each, whatever the interleaving.
        assertThat(requestsSince()).containsExactly(100, 100, 0);
    }

    @Test
    void theV2InstanceGetsOnlyV2Traffic() {
        for (int i = 0; i < 6; i++) {
            assertThat(productpage.client().get("http://reviews:9080/reviews/" + i).header("end-user", "jason")
                    .retrieve().block(Meshes.WAIT)).isEqualTo("reviews-v2");
        }
        assertThat(requestsSince()).containsExactly(0, 0, 6);
    }
}
