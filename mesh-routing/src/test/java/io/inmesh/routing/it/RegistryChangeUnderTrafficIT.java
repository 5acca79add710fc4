package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inmesh.core.Mesh;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The registry changes while requests run: a new configuration adds one endpoint of reviews and
 * removes the other. No request fails; requests already on their way to the removed endpoint
 * finish there; every request that starts after the swap goes to the new endpoint.
 */
@ExtendWith(BlockHoundExtension.class)
class RegistryChangeUnderTrafficIT {

    private static final int REQUESTS = 600;
    private static final int CONCURRENCY = 8;
    /** The old endpoint answers this many requests at once; the next ones it holds until the test releases them. */
    private static final int ANSWERED_BEFORE_THE_SWAP = 100;

    /** One request's outcome: whether it started after the new configuration was in force, and who served it. */
    private record Outcome(boolean startedAfterSwap, String servedBy) {
    }

    private final Sinks.Empty<Void> release = Sinks.empty();
    private final AtomicInteger arrivals = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private UpstreamWorkload removed;
    private UpstreamWorkload added;
    private Mesh productpage;

    @AfterEach
    void stop() {
        release.tryEmitEmpty();
        if (productpage != null) {
            productpage.close();
        }
        removed.close();
        added.close();
    }

    @Test
    void noRequestFailsAndNewRequestsReachOnlyTheNewEndpoint() {
        // The old endpoint holds requests 101..108 (all eight in flight) without blocking, until released.
        removed = UpstreamWorkload.start("reviews-v1-old", "reviews", "v1", self -> request -> {
            int number = arrivals.incrementAndGet();
            if (number > ANSWERED_BEFORE_THE_SWAP && number <= ANSWERED_BEFORE_THE_SWAP + CONCURRENCY) {
                held.incrementAndGet();
                return release.asMono().then(Mono.defer(() -> self.answerWithName(request)));
            }
            return self.answerWithName(request);
        });
        added = UpstreamWorkload.start("reviews-v1-new", "reviews", "v1");
        TestConfigSource source = new TestConfigSource().push(Yaml.serviceEntry("reviews"), removed.workloadEntry());
        productpage = Meshes.productpage(source);

        AtomicBoolean swapped = new AtomicBoolean();
        Mono<List<Outcome>> traffic = Flux.range(0, REQUESTS)
                .flatMap(i -> Mono.defer(() -> {
                    boolean startedAfterSwap = swapped.get();
                    return productpage.client().get("http://reviews:9080/reviews/" + i).exchange()
                            .flatMap(response -> {
                                assertThat(response.status()).as("status of request %d", i).isEqualTo(200);
                                return response.bodyAsString();
                            })
                            .map(servedBy -> new Outcome(startedAfterSwap, servedBy));
                }), CONCURRENCY)
                .collectList()
                .cache();
        traffic.subscribe();

        // Every request slot is now waiting for the old endpoint's answer.
        await().atMost(Duration.ofSeconds(10)).until(() -> held.get() == CONCURRENCY);
        long versionBefore = productpage.snapshot().version();
        source.push(Yaml.serviceEntry("reviews"), added.workloadEntry());
        assertThat(productpage.snapshot().version()).isGreaterThan(versionBefore);
        swapped.set(true);
        release.tryEmitEmpty();

        List<Outcome> outcomes = traffic.block(Duration.ofSeconds(20));

        assertThat(outcomes).hasSize(REQUESTS);
        // The requests in flight to the removed endpoint when it left the registry were answered by it.
        assertThat(removed.requests()).isEqualTo(ANSWERED_BEFORE_THE_SWAP + CONCURRENCY);
        assertThat(outcomes).filteredOn(o -> o.servedBy().equals("reviews-v1-old")).hasSize(ANSWERED_BEFORE_THE_SWAP + CONCURRENCY);
        // Everything that started after the swap went to the new endpoint, and that is the rest.
        assertThat(outcomes).filteredOn(Outcome::startedAfterSwap).extracting(Outcome::servedBy).containsOnly("reviews-v1-new");
        assertThat(added.requests()).isEqualTo(REQUESTS - ANSWERED_BEFORE_THE_SWAP - CONCURRENCY);
    }
}
