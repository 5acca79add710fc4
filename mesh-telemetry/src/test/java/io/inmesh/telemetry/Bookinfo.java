package io.inmesh.telemetry;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.MeshServer;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.testing.TestConfigSource;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A Bookinfo-like chain on loopback for the metrics tests: productpage calls reviews, which calls
 * ratings while it handles the request; ratings answers its first call with 503 (the route retries
 * 5xx), details answers {@code /fail} with 503 and holds {@code /slow} until {@link #releaseSlow()}.
 * Every workload is a mesh of its own with the telemetry {@code telemetry} gives it.
 */
public final class Bookinfo implements AutoCloseable {

    static final String REVIEWS = "http://reviews.bookinfo.svc.cluster.local:9080/reviews/0";
    static final String RATINGS = "http://ratings.bookinfo.svc.cluster.local:9080/ratings/0";
    static final String DETAILS = "http://details.bookinfo.svc.cluster.local:9080/details/0";

    final TestConfigSource rules = new TestConfigSource();
    final AtomicInteger ratingsCalls = new AtomicInteger();
    private final AtomicInteger slowHeld = new AtomicInteger();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<String> services = new ArrayList<>();
    private volatile Sinks.Empty<Void> slow = Sinks.empty();
    final Mesh ratingsMesh;
    final Mesh reviewsMesh;
    final Mesh detailsMesh;
    final Mesh productpage;

    Bookinfo(Function<String, MeshTelemetry> telemetry) {
        ratingsMesh = mesh("ratings-v1", "ratings", telemetry);
        MeshServer ratings = serve(ratingsMesh, "ratings", request -> request.body().doOnNext(ByteBuf::release).then(Mono.fromSupplier(() ->
                ratingsCalls.incrementAndGet() == 1 ? MeshResponse.text(503, "busy") : MeshResponse.text(200, "{\"stars\":5}"))));
        detailsMesh = mesh("details-v1", "details", telemetry);
        MeshServer details = serve(detailsMesh, "details", request -> request.body().doOnNext(ByteBuf::release).then(Mono.defer(() -> {
            if (request.path().endsWith("/fail")) {
                return Mono.just(MeshResponse.text(503, "broken"));
            }
            if (request.path().endsWith("/slow")) {
                slowHeld.incrementAndGet();
                return slow.asMono().then(Mono.fromSupplier(() -> MeshResponse.text(200, "slow details")));
            }
            return Mono.just(MeshResponse.text(200, "details"));
        })));
        reviewsMesh = mesh("reviews-v2", "reviews", telemetry);
        MeshServer reviews = serve(reviewsMesh, "reviews", request -> request.body().doOnNext(ByteBuf::release)
                .then(reviewsMesh.client().get(RATINGS).retrieve())
                .map(stars -> MeshResponse.text(200, "reviews with " + stars)));
        services.add(service("ratings", ratings.port()));
        services.add(service("details", details.port()));
        services.add(service("reviews", reviews.port()));
        push();
        productpage = mesh("productpage-v1", "productpage", telemetry);
    }

    /** The services, the ratings route that retries 5xx, and {@code more} documents. */
    void push(String... more) {
        List<String> documents = new ArrayList<>(services);
        documents.add(retrying("ratings", 2));
        documents.addAll(List.of(more));
        rules.push(documents.toArray(String[]::new));
    }

    /** How many requests reached details' {@code /slow}. */
    int slowRequestsHeld() {
        return slowHeld.get();
    }

    /** Lets the requests held at details' {@code /slow} answer. */
    void releaseSlow() {
        slow.tryEmitEmpty();
    }

    private Mesh mesh(String name, String app, Function<String, MeshTelemetry> telemetry) {
        Mesh mesh = Mesh.builder().workload(new LocalWorkload(name, "bookinfo", Map.of("app", app, "version", name.substring(name.lastIndexOf('-') + 1)),
                "bookinfo-" + app)).configSource(rules).extension(telemetry.apply(name)).build();
        closing.add(0, mesh);
        return mesh;
    }

    private MeshServer serve(Mesh mesh, String app, io.inmesh.core.MeshHandler handler) {
        MeshServer server = mesh.server(handler).bind();
        closing.add(0, server);
        return server;
    }

    @Override
    public void close() {
        releaseSlow();
        for (AutoCloseable resource : closing) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A ServiceEntry for {@code app} in namespace bookinfo, port 9080, with one endpoint on 127.0.0.1:{@code port}. */
    public static String service(String app, int port) {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: %1$s
                  namespace: bookinfo
                spec:
                  hosts:
                  - %1$s.bookinfo.svc.cluster.local
                  location: MESH_INTERNAL
                  ports:
                  - number: 9080
                    name: http
                    protocol: HTTP
                  resolution: STATIC
                  endpoints:
                  - address: 127.0.0.1
                    ports:
                      http: %2$d
                    labels:
                      app: %1$s
                """.formatted(app, port);
    }

    /**
     * Ratings' VirtualService: route {@code ratings-route} for paths under {@code /ratings}, retried twice
     * on 5xx. {@code moreRoutes} (YAML list items indented as its {@code http} routes) follow it.
     */
    public static String retryingRatings(String moreRoutes) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: ratings
                  namespace: bookinfo
                spec:
                  hosts:
                  - ratings.bookinfo.svc.cluster.local
                  http:
                  - name: ratings-route
                    match:
                    - uri:
                        prefix: /ratings
                    route:
                    - destination:
                        host: ratings.bookinfo.svc.cluster.local
                    retries:
                      attempts: 2
                      retryOn: 5xx
                """ + moreRoutes;
    }

    static String retrying(String app, int attempts) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %1$s
                  namespace: bookinfo
                spec:
                  hosts:
                  - %1$s.bookinfo.svc.cluster.local
                  http:
                  - name: %1$s-route
                    route:
                    - destination:
                        host: %1$s.bookinfo.svc.cluster.local
                    retries:
                      attempts: %2$d
                      retryOn: 5xx
                """.formatted(app, attempts);
    }

    /** Details aborts every request with 503, as Istio's fault injection. */
    static String abortingDetails() {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: details
                  namespace: bookinfo
                spec:
                  hosts:
                  - details.bookinfo.svc.cluster.local
                  http:
                  - route:
                    - destination:
                        host: details.bookinfo.svc.cluster.local
                    fault:
                      abort:
                        percentage:
                          value: 100
                        httpStatus: 503
                """;
    }

    /** Details answers after an injected delay of 20 ms, as Istio's fault injection. */
    static String delayingDetails() {
        return abortingDetails().replace("""
                      abort:
                        percentage:
                          value: 100
                        httpStatus: 503
                """, """
                      delay:
                        percentage:
                          value: 100
                        fixedDelay: 20ms
                """);
    }

    /** At most one request in flight to details; a second one overflows (UO). */
    static String oneRequestAtATimeToDetails() {
        return """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: details
                  namespace: bookinfo
                spec:
                  host: details.bookinfo.svc.cluster.local
                  trafficPolicy:
                    connectionPool:
                      http:
                        http2MaxRequests: 1
                """;
    }
}
