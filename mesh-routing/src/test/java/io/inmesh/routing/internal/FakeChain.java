package io.inmesh.routing.internal;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.MeshSnapshot;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.spi.MeshInterceptor;
import io.inmesh.routing.ClusterPolicy;
import io.inmesh.routing.RetryPolicy;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RoutePolicy;
import io.inmesh.routing.RoutingAttributes;
import io.inmesh.routing.WeightedDestination;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;

/**
 * The rest of the client stack for unit tests of one step: every subscription to what
 * {@link #proceed} returned is one try, answered by a script that is given the request and the try's
 * number (0 for the first). It records the requests it saw.
 */
final class FakeChain implements MeshInterceptor.Chain {

    private static final Random SEEDED = new Random(42);
    static final RoutingRuntime RUNTIME = new RoutingRuntime(() -> SEEDED, System::nanoTime);

    private final BiFunction<MeshRequest, Integer, Mono<MeshResponse>> script;
    private final AtomicInteger tries = new AtomicInteger();
    private final AtomicInteger proceeded = new AtomicInteger();
    private final Queue<MeshRequest> seen = new ConcurrentLinkedQueue<>();

    FakeChain(BiFunction<MeshRequest, Integer, Mono<MeshResponse>> script) {
        this.script = script;
    }

    @Override
    public Mono<MeshResponse> proceed(MeshRequest request) {
        proceeded.incrementAndGet();
        return Mono.defer(() -> {
            seen.add(request);
            return script.apply(request, tries.getAndIncrement());
        });
    }

    @Override
    public Mono<MeshResponse> fork(MeshRequest request) {
        throw new UnsupportedOperationException("no fork in these tests");
    }

    @Override
    public MeshSnapshot snapshot() {
        return null;
    }

    @Override
    public LocalWorkload workload() {
        return null;
    }

    /** Tries made so far. */
    int tries() {
        return tries.get();
    }

    /** How many times the step called {@link #proceed}: the contract allows once. */
    int proceeded() {
        return proceeded.get();
    }

    List<MeshRequest> seen() {
        return List.copyOf(seen);
    }

    /** A cluster of reviews v1 with its own fresh state under {@code policy}. */
    static ResolvedCluster cluster(ClusterPolicy policy) {
        return new ResolvedCluster(policy.cluster(), "reviews.bookinfo.svc.cluster.local", "v1", 9080, null, policy,
                new ClusterState(policy, RUNTIME));
    }

    /** A cluster without a DestinationRule: inmesh's default retry budget. */
    static ResolvedCluster defaultCluster() {
        return cluster(new ClusterPolicy("reviews.bookinfo.svc.cluster.local|v1|9080", null, null, null, null, null, null));
    }

    /** A GET routed by a route with {@code timeout} (or none) and {@code retries}, to {@code cluster}. */
    static MeshRequest routed(Duration timeout, RetryPolicy retries, ResolvedCluster cluster) {
        return routed(MeshRequest.builder(io.netty.handler.codec.http.HttpMethod.GET, "http://reviews:9080/reviews/1"), timeout, retries, cluster);
    }

    static MeshRequest routed(MeshRequest.Builder builder, Duration timeout, RetryPolicy retries, ResolvedCluster cluster) {
        RoutePolicy policy = new RoutePolicy(timeout, retries, null, List.of(), null, RoutePolicy.HeaderOperations.NONE,
                RoutePolicy.HeaderOperations.NONE);
        RouteDecision decision = new RouteDecision(RouteDecision.Outcome.ROUTED, "bookinfo/reviews", null, 0, null,
                List.of(new WeightedDestination("reviews.bookinfo.svc.cluster.local", "v1", 9080, 100)), policy);
        return builder.attribute(RoutingAttributes.DECISION, decision).attribute(RoutingKeys.CLUSTER, cluster).build();
    }
}
