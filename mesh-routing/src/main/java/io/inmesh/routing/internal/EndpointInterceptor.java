package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.http.Upstream;
import io.inmesh.core.model.ClientTlsSettings;
import io.inmesh.core.registry.Endpoint;
import io.inmesh.core.registry.MeshService;
import io.inmesh.core.registry.ServiceRegistry;
import io.inmesh.core.spi.MeshInterceptor;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RoutingAttributes;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import reactor.core.publisher.Mono;

/**
 * The endpoint step: resolves the chosen cluster's subset to the endpoints whose labels it selects
 * and picks one with the cluster's load balancer, among those outlier detection keeps in service and,
 * on a retry, away from the endpoints already tried; it records the try, counts it as under way at
 * its endpoint, and reports its outcome to outlier detection. A host the registry does not know, or one with
 * {@code resolution: NONE}, is called as it is (its name resolved by DNS when connecting), as a
 * sidecar passes such traffic through.
 */
public final class EndpointInterceptor implements MeshInterceptor {

    private final RoutingRuntime runtime;

    public EndpointInterceptor(RoutingRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Mono<MeshResponse> intercept(MeshRequest request, Chain chain) {
        ResolvedCluster cluster = request.attribute(RoutingKeys.CLUSTER);
        if (cluster == null) {
            return Mono.error(new IllegalStateException("no cluster on the request: the route step did not run"));
        }
        ClientTlsSettings tls = cluster.policy().tls();
        if (tls != null && tls.mode() != null && tls.mode() != ClientTlsSettings.TlsMode.DISABLE) {
            // Security configuration fails closed: never send in plaintext what the rule says to encrypt.
            return Mono.error(new MeshException(503, ResponseFlag.UF, "TLS mode " + tls.mode() + " towards " + cluster.key()
                    + " (DestinationRule " + cluster.policy().destinationRule() + ") is not implemented by this inmesh version;"
                    + " refusing to send the request in plaintext"));
        }
        ServiceRegistry registry = chain.snapshot().require(ServiceRegistry.class);
        Optional<MeshService> service = registry.service(cluster.host());
        int port = cluster.port();
        if (service.isEmpty() || service.get().passthrough()) {
            // Passed through as a sidecar passes it: without a rule, to the host the application called,
            // resolved as the application would have resolved it (a dotless name such as localhost is
            // not a service of the caller's namespace when the registry does not know it).
            RouteDecision decision = request.attribute(RoutingAttributes.DECISION);
            String address = decision != null && decision.outcome() == RouteDecision.Outcome.DEFAULT_ROUTE
                    ? request.host()
                    : cluster.host();
            return chain.proceed(request.withAttribute(Upstream.KEY, new Upstream(address, port, cluster.key(), cluster.state().limits().connectionPolicy())));
        }
        LoadBalancer balancer = cluster.state().balancer();
        if (balancer.passthrough()) {
            // PASSTHROUGH: to the address the application called, as Envoy's original-destination cluster.
            return chain.proceed(request.withAttribute(Upstream.KEY, new Upstream(request.host(), request.port(), cluster.key(),
                    cluster.state().limits().connectionPolicy())));
        }
        Map<String, String> subsetLabels = cluster.resolved() == null || cluster.subset() == null ? Map.of() : cluster.resolved().labels();
        List<Endpoint> endpoints = registry.endpoints(cluster.host(), port, subsetLabels);
        if (endpoints.isEmpty()) {
            return Mono.error(new MeshException.NoHealthyUpstream("no healthy upstream for " + cluster.host()
                    + (cluster.subset() == null ? "" : " subset " + cluster.subset())
                    + " port " + port + (subsetLabels.isEmpty() ? ": the service has no endpoint"
                            : ": no endpoint has the labels " + subsetLabels)));
        }
        AttemptContext attempt = request.attribute(RoutingKeys.ATTEMPT);
        LoadBalancer.Pick pick = balancer.pick(endpoints, port, request, source(chain), attempt);
        if (pick == null) {
            return Mono.error(new MeshException.NoHealthyUpstream("no healthy upstream for " + cluster.host()
                    + (cluster.subset() == null ? "" : " subset " + cluster.subset()) + " port " + port
                    + ": outlier detection has ejected all " + endpoints.size() + " endpoints"));
        }
        UpstreamHost host = pick.host();
        if (attempt != null) {
            attempt.tried(host.key());
        }
        Upstream upstream = new Upstream(host.address(), host.port(), cluster.key(), cluster.state().limits().connectionPolicy());
        // A try cancelled because a timeout passed counts as a timeout, as Envoy reports one to outlier
        // detection; a try the application cancels counts as nothing.
        int tryNumber = attempt == null ? 0 : attempt.retry();
        CallDeadline.Expiry routeTimeout = request.attribute(RoutingKeys.ROUTE_TIMEOUT);
        BooleanSupplier timedOut = () -> (routeTimeout != null && routeTimeout.passed()) || (attempt != null && attempt.timedOut(tryNumber));
        return send(chain, request.withAttribute(Upstream.KEY, upstream), host, cluster.state().outliers(), pick.setCookie(), timedOut);
    }

    /**
     * Sends the try, counting it as under way at {@code host} until its response ends (least request
     * reads the count), and tells outlier detection how it went: the status of a response, or a
     * failure of the mesh's side (a connect failure or reset, or a timeout). A response carries the
     * generated hash cookie, if any, in {@code Set-Cookie}.
     */
    private static Mono<MeshResponse> send(Chain chain, MeshRequest request, UpstreamHost host, OutlierDetector outliers, String setCookie,
            BooleanSupplier timedOut) {
        UpstreamHost.Activity activity = host.activity();
        AtomicBoolean finished = new AtomicBoolean();
        Runnable finish = () -> {
            if (finished.compareAndSet(false, true)) {
                activity.requestFinished();
            }
        };
        activity.requestStarted();
        return chain.proceed(request)
                .map(response -> {
                    outliers.responded(host.key(), response.status());
                    MeshResponse counted = response.withBody(response.body().doFinally(signal -> finish.run()));
                    if (setCookie == null) {
                        return counted;
                    }
                    HttpHeaders headers = new DefaultHttpHeaders().set(counted.headers()).add(HttpHeaderNames.SET_COOKIE, setCookie);
                    return counted.withHeaders(headers);
                })
                .doOnError(error -> {
                    finish.run();
                    if (error instanceof MeshException.UpstreamConnectFailure || error instanceof MeshException.UpstreamReset) {
                        outliers.failedLocally(host.key(), false);
                    } else if (error instanceof MeshException.UpstreamTimeout) {
                        outliers.failedLocally(host.key(), true);
                    }
                })
                .doOnCancel(() -> {
                    finish.run();
                    if (timedOut.getAsBoolean()) {
                        // Cancelled before the response headers came: Envoy reports a timeout then, and
                        // only then (a response already under way has been counted by its status).
                        outliers.failedLocally(host.key(), true);
                    }
                });
    }

    /** The caller as the source-address hash sees it: the local workload. */
    private static String source(Chain chain) {
        return chain.workload().namespace() + "/" + chain.workload().name();
    }
}
