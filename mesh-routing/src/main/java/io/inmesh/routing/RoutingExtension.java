package io.inmesh.routing;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.spi.ClientStage;
import io.inmesh.core.spi.MeshExtension;
import io.inmesh.core.spi.SnapshotCompiler;
import io.inmesh.core.telemetry.UpstreamClusters;
import io.inmesh.routing.internal.ClusterCatalog;
import io.inmesh.routing.internal.ClusterStates;
import io.inmesh.routing.internal.ConnectionPoolInterceptor;
import io.inmesh.routing.internal.EndpointInterceptor;
import io.inmesh.routing.internal.FaultInterceptor;
import io.inmesh.routing.internal.MirrorInterceptor;
import io.inmesh.routing.internal.RetryInterceptor;
import io.inmesh.routing.internal.RewriteInterceptor;
import io.inmesh.routing.internal.RouteInterceptor;
import io.inmesh.routing.internal.RoutingRuntime;
import io.inmesh.routing.internal.TimeoutInterceptor;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Adds routing and resilience to the mesh: compiles the {@link RouteTable} and the cluster catalog
 * of every snapshot, and puts its steps in the client stack, each at its {@link ClientStage}: route,
 * fault injection, rewrite and header operations, timeout, mirroring, retries, connection-pool
 * limits, and the endpoint choice (load balancing and outlier detection). Registered through
 * {@link java.util.ServiceLoader}, so having mesh-routing on the class path is enough.
 *
 * <p>The state of each upstream cluster (connection-pool counters, retry budget, ejections, load
 * balancer) belongs to the extension instance and survives snapshot swaps while the cluster's policy
 * is unchanged; give each mesh its own instance.
 */
public final class RoutingExtension implements MeshExtension {

    private final RoutingRuntime runtime;
    private final ClusterStates states;

    /** The extension as the class path provides it: random draws from {@link ThreadLocalRandom}, time from {@link System#nanoTime()}. */
    public RoutingExtension() {
        this(ThreadLocalRandom::current);
    }

    /**
     * An extension whose random draws (weighted picks, fault and mirror percentages, back-off jitter,
     * random load balancing) come from {@code random}, for reproducible tests and demos. The supplier
     * is called for every draw: return one shared, thread-safe generator seeded once (such as
     * {@code java.util.Random}), not a new seeded generator per call, which would repeat the same draw.
     */
    public RoutingExtension(Supplier<RandomGenerator> random) {
        this(random, System::nanoTime);
    }

    /**
     * An extension with injected randomness (see {@link #RoutingExtension(Supplier)}) and a monotonic
     * clock in nanoseconds, which outlier ejection, warm-up and cookie lifetimes read; tests advance
     * a fake one instead of sleeping.
     */
    public RoutingExtension(Supplier<RandomGenerator> random, LongSupplier nanoTime) {
        this.runtime = new RoutingRuntime(random, nanoTime);
        this.states = new ClusterStates(runtime);
    }

    @Override
    public String name() {
        return "routing";
    }

    @Override
    public List<SnapshotCompiler<?>> snapshotCompilers() {
        return List.of(new SnapshotCompiler<RouteTable>() {
            @Override
            public Class<RouteTable> type() {
                return RouteTable.class;
            }

            @Override
            public RouteTable compile(MeshConfig config, LocalWorkload workload) {
                return RouteTable.compile(config);
            }
        }, new SnapshotCompiler<ClusterCatalog>() {
            @Override
            public Class<ClusterCatalog> type() {
                return ClusterCatalog.class;
            }

            @Override
            public ClusterCatalog compile(MeshConfig config, LocalWorkload workload) {
                return new ClusterCatalog(config, workload, states);
            }
        }, new SnapshotCompiler<UpstreamClusters>() {
            @Override
            public Class<UpstreamClusters> type() {
                return UpstreamClusters.class;
            }

            @Override
            public UpstreamClusters compile(MeshConfig config, LocalWorkload workload) {
                return states.view(); // a live view of state that outlives snapshots
            }
        });
    }

    @Override
    public List<Positioned<ClientStage>> clientInterceptors() {
        return List.of(
                new Positioned<>(ClientStage.ROUTE, "routing/route", new RouteInterceptor(runtime)),
                new Positioned<>(ClientStage.FAULT, "routing/fault", new FaultInterceptor(runtime)),
                new Positioned<>(ClientStage.REWRITE, "routing/rewrite", new RewriteInterceptor(runtime)),
                new Positioned<>(ClientStage.TIMEOUT, "routing/timeout", new TimeoutInterceptor(runtime)),
                new Positioned<>(ClientStage.MIRROR, "routing/mirror", new MirrorInterceptor(runtime)),
                new Positioned<>(ClientStage.RETRY, "routing/retry", new RetryInterceptor(runtime)),
                new Positioned<>(ClientStage.CIRCUIT_BREAKER, "routing/connection-pool", new ConnectionPoolInterceptor(runtime)),
                new Positioned<>(ClientStage.ENDPOINT, "routing/endpoint", new EndpointInterceptor(runtime)));
    }
}
