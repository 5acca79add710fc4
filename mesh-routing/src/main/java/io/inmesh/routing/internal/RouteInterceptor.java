package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.model.HttpDirectResponse;
import io.inmesh.core.model.HttpRedirect;
import io.inmesh.core.model.HttpRoute;
import io.inmesh.core.spi.MeshInterceptor;
import io.inmesh.core.telemetry.CallRecord;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RouteTable;
import io.inmesh.routing.RoutingAttributes;
import io.inmesh.routing.WeightedDestination;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The route step: matches the request against the snapshot's route table as the local workload,
 * picks a weighted destination, and leaves both on the request. A route that redirects or answers
 * directly is answered here; no matching route is a 404 ({@code NR}).
 */
public final class RouteInterceptor implements MeshInterceptor {

    private final RoutingRuntime runtime;
    private final CallerCache callers = new CallerCache();

    /** @param runtime the source of weighted picks (a seeded one in tests) */
    public RouteInterceptor(RoutingRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Mono<MeshResponse> intercept(MeshRequest request, Chain chain) {
        RouteTable table = chain.snapshot().require(RouteTable.class);
        RouteDecision decision = table.route(new MeshRouteRequest(request), callers.of(chain.workload()));
        if (decision.outcome() == RouteDecision.Outcome.NO_ROUTE) {
            return Mono.error(new MeshException.NoRoute("no route of VirtualService " + decision.virtualService()
                    + " matches " + request.method() + " " + request.authority() + request.path()));
        }
        HttpRoute route = decision.route();
        CallRecord record = request.attribute(CallRecord.KEY);
        if (record != null) {
            record.routed(decision.virtualService(), decision.routeName(), null, null, 0);
        }
        // Envoy applies the route's response header operations to its direct responses and redirects too.
        if (route != null && route.directResponse() != null) {
            return Mono.just(withResponseHeaders(directResponse(route.directResponse()), decision));
        }
        if (route != null && route.redirect() != null) {
            return Mono.just(withResponseHeaders(redirect(route.redirect(), request), decision));
        }
        WeightedDestination destination = decision.pick(runtime.rng());
        if (destination == null) {
            return Mono.error(new MeshException(503, ResponseFlag.NC, "route " + decision.routeLabel()
                    + " of VirtualService " + decision.virtualService() + " has no destination"));
        }
        ResolvedCluster cluster = chain.snapshot().require(ClusterCatalog.class).resolve(destination, request.port());
        if (cluster.missingSubset()) {
            return Mono.error(new MeshException(503, ResponseFlag.NC, "no cluster for " + destination.host()
                    + " subset " + destination.subset() + ": no DestinationRule for the host defines that subset"));
        }
        if (record != null) {
            record.routed(decision.virtualService(), decision.routeName(), cluster.host(), destination.subset(), cluster.port());
        }
        return chain.proceed(request.toBuilder()
                .attribute(RoutingAttributes.DECISION, decision)
                .attribute(RoutingAttributes.DESTINATION, destination)
                .attribute(RoutingKeys.CLUSTER, cluster)
                .build());
    }

    private static MeshResponse withResponseHeaders(MeshResponse response, RouteDecision decision) {
        if (decision.policy().responseHeaders().isEmpty()) {
            return response;
        }
        RewriteInterceptor.apply(decision.policy().responseHeaders(), response.headers());
        return response;
    }

    private static MeshResponse directResponse(HttpDirectResponse direct) {
        byte[] body = new byte[0];
        if (direct.body() != null) {
            body = direct.body().string() != null
                    ? direct.body().string().getBytes(StandardCharsets.UTF_8)
                    : Base64.getDecoder().decode(direct.body().bytes());
        }
        byte[] bytes = body;
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        if (bytes.length > 0) {
            headers.set("content-type", "text/plain"); // as Envoy's local reply with a body
        }
        headers.setInt("content-length", bytes.length);
        return MeshResponse.of(direct.status(), headers, Flux.defer(() -> Flux.just(Unpooled.wrappedBuffer(bytes))));
    }

    /** Envoy's redirect: authority, path and scheme replaced where the rule sets them; 301 by default. */
    private static MeshResponse redirect(HttpRedirect redirect, MeshRequest request) {
        String scheme = redirect.scheme() != null ? redirect.scheme() : request.scheme();
        String host = redirect.authority() != null ? redirect.authority() : request.host();
        String port = "";
        if (redirect.port() != null) {
            port = isDefaultPort(scheme, redirect.port()) ? "" : ":" + redirect.port();
        } else if (redirect.derivePort() == HttpRedirect.RedirectPortSelection.FROM_REQUEST_PORT) {
            port = isDefaultPort(scheme, request.port()) ? "" : ":" + request.port();
        } else if (redirect.derivePort() == null && redirect.authority() == null && !request.authority().equals(request.host())) {
            // Envoy keeps the port the request named, but drops the old scheme's default port when the scheme changes.
            boolean oldDefault = isDefaultPort(request.scheme(), request.port());
            port = oldDefault && !scheme.equals(request.scheme()) ? "" : ":" + request.port();
        }
        // Envoy's path_redirect: the request's query string stays unless the new path has its own.
        String path = redirect.uri() == null ? request.pathAndQuery()
                : redirect.uri().indexOf('?') >= 0 || request.query() == null ? redirect.uri()
                : redirect.uri() + "?" + request.query();
        int status = redirect.redirectCode() == null || redirect.redirectCode() == 0 ? 301 : redirect.redirectCode();
        return MeshResponse.of(status,
                new DefaultHttpHeaders().set("location", scheme + "://" + host + port + path).setInt("content-length", 0),
                Flux.empty());
    }

    private static boolean isDefaultPort(String scheme, int port) {
        return ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
    }
}
