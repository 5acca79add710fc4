package io.inmesh.controlplane.internal;

import io.inmesh.controlplane.PublishedRules;
import io.inmesh.core.config.MeshConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The order and the dropping of what a rules stream writes, without sockets. */
class NewestThenHeartbeatsTest {

    private static PublishedRules version(long number) {
        return new PublishedRules(number, String.format("%064x", number), Instant.EPOCH, List.of(), MeshConfig.of(List.of()).config());
    }

    private static Flux<String> stream(Sinks.Many<PublishedRules> versions, Duration heartbeat) {
        return HttpApi.newestThenHeartbeats(versions.asFlux(), rules -> Mono.just("v" + rules.version()),
                () -> Flux.interval(heartbeat).onBackpressureDrop().map(tick -> "heartbeat"));
    }

    @Test
    void aSlowStreamGetsOnlyTheNewestOfTheVersionsPublishedWhileItWasBusy() {
        Sinks.Many<PublishedRules> versions = Sinks.many().replay().latest();
        versions.tryEmitNext(version(1));

        StepVerifier.create(stream(versions, Duration.ofHours(1)), 0)
                .thenRequest(1)
                .expectNext("v1")
                // The workload is busy (no demand) while three versions are published.
                .then(() -> {
                    versions.tryEmitNext(version(2));
                    versions.tryEmitNext(version(3));
                    versions.tryEmitNext(version(4));
                })
                .thenRequest(5)
                .expectNext("v4")
                .then(() -> versions.tryEmitNext(version(5)))
                .expectNext("v5")
                .then(versions::tryEmitComplete)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void heartbeatsFollowEachVersionAndRunBeforeTheFirst() {
        Sinks.Many<PublishedRules> versions = Sinks.many().replay().latest();

        StepVerifier.withVirtualTime(() -> stream(versions, Duration.ofSeconds(15)))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(15))
                .expectNext("heartbeat")
                .then(() -> versions.tryEmitNext(version(1)))
                .expectNext("v1")
                .expectNoEvent(Duration.ofSeconds(14))
                .thenAwait(Duration.ofSeconds(1))
                .expectNext("heartbeat")
                .thenAwait(Duration.ofSeconds(15))
                .expectNext("heartbeat")
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }
}
