package io.inmesh.benchmarks.routing;

import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.routing.Caller;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RouteRequest;
import io.inmesh.routing.RouteTable;
import io.inmesh.routing.internal.MeshRouteRequest;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One route decision ({@link RouteTable#route}) against tables of {@code routes} HTTP routes, for a
 * request as the route step sees it on the data path (a {@link MeshRequest} read through
 * {@link MeshRouteRequest}, headers in Netty's header map).
 *
 * <p>Layouts: {@code spread} (the typical case: the routes spread over VirtualServices of 10 routes
 * each, one per host, as teams write them; the host is looked up and the request matches the last
 * route with a match, the 9th of its VirtualService) and {@code one-host} (the worst case: every
 * route in one VirtualService, and the request matches the last route with a match, so every
 * route before it is tried). Each tried route tests a URI prefix and a header.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class RouteMatching {

    @Param({"1", "100", "10000"})
    public int routes;

    @Param({"spread", "one-host"})
    public String layout;

    private RouteTable table;
    private RouteRequest request;
    private Caller caller;

    @Setup
    public void compile() {
        int perService = layout.equals("spread") ? RouteRules.ROUTES_PER_SERVICE : routes;
        MeshConfig.LoadResult loaded = MeshConfig.load("routes.yaml", RouteRules.yaml(routes, perService));
        if (!loaded.isValid()) {
            throw new IllegalStateException("benchmark rules: " + loaded.diagnostics());
        }
        table = RouteTable.compile(loaded.config());
        int lastService = (routes - 1) / perService;
        int inService = Math.min(perService, routes - lastService * perService);
        // The last route with a match; a VirtualService of one route has only that one.
        int target = inService == 1 ? 0 : inService - 2;
        MeshRequest meshRequest = MeshRequest.builder(HttpMethod.GET,
                        "http://svc-" + lastService + ".shop.svc.cluster.local:8080/api/v" + target + "/orders/42?expand=items")
                .header("x-tenant", "tenant-" + target)
                .header("user-agent", "inmesh-benchmark")
                .header("accept", "application/json")
                .build();
        request = new MeshRouteRequest(meshRequest);
        caller = Caller.of("shop", Map.of("app", "frontend", "version", "v1"));
        RouteDecision decision = table.route(request, caller);
        String expected = "tenant-" + target;
        if (decision.outcome() != RouteDecision.Outcome.ROUTED || !expected.equals(decision.routeName())) {
            throw new IllegalStateException("expected route " + expected + ", got " + decision);
        }
    }

    @Benchmark
    public RouteDecision route() {
        return table.route(request, caller);
    }
}
