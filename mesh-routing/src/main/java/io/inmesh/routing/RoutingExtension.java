package io.inmesh.routing;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.spi.ClientStage;
import io.inmesh.core.spi.MeshExtension;
import io.inmesh.core.spi.SnapshotCompiler;
import io.inmesh.routing.internal.EndpointInterceptor;
import io.inmesh.routing.internal.RouteInterceptor;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Adds routing to the mesh: compiles the {@link RouteTable} of every snapshot, and puts the route
 * step ({@link ClientStage#ROUTE}) and the endpoint step ({@link ClientStage#ENDPOINT}) in the client
 * stack. Registered through {@link java.util.ServiceLoader}, so having mesh-routing on the class
 * path is enough.
 */
public final class RoutingExtension implements MeshExtension {

    private final Supplier<RandomGenerator> random;

    /** The extension as the class path provides it: weighted picks from {@link ThreadLocalRandom}. */
    public RoutingExtension() {
        this(ThreadLocalRandom::current);
    }

    /**
     * An extension whose weighted picks come from {@code random}, for reproducible tests and demos.
     * The supplier is called for every pick: return one shared, thread-safe generator seeded once
     * (such as {@code java.util.Random}), not a new seeded generator per call, which would repeat
     * the same pick.
     */
    public RoutingExtension(Supplier<RandomGenerator> random) {
        this.random = random;
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
        });
    }

    @Override
    public List<Positioned<ClientStage>> clientInterceptors() {
        return List.of(
                new Positioned<>(ClientStage.ROUTE, "routing/route", new RouteInterceptor(random)),
                new Positioned<>(ClientStage.ENDPOINT, "routing/endpoint", new EndpointInterceptor()));
    }
}
