package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.spi.MeshInterceptor;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;

/**
 * The circuit-breaking step, once per try: takes a permit from the connection-pool limits of the
 * request's cluster ({@link ConnectionLimits}) before the endpoint is picked and the request sent,
 * and gives it back exactly once when the try ends: the response body completed, failed or was
 * cancelled, or the try failed or was cancelled before a response (also while waiting in the pending
 * queue). A full pool fails the try at once with 503 {@code UO}.
 */
public final class ConnectionPoolInterceptor implements MeshInterceptor {

    public ConnectionPoolInterceptor(RoutingRuntime runtime) {
        // The limits are per cluster, in ClusterState; this step has no state of its own.
    }

    @Override
    public Mono<MeshResponse> intercept(MeshRequest request, Chain chain) {
        ResolvedCluster cluster = request.attribute(RoutingKeys.CLUSTER);
        if (cluster == null) {
            return Mono.error(new IllegalStateException("no cluster on the request: the route step did not run"));
        }
        return cluster.state().limits().acquire().flatMap(permit -> {
            AtomicBoolean responded = new AtomicBoolean();
            return chain.proceed(request)
                    .map(response -> {
                        responded.set(true);
                        // The request is in flight until its body has been read to the end (or abandoned).
                        // Released before the end is signalled on, not after (doFinally): a caller that sends
                        // its next request as soon as the body ends must find the permit free, as Envoy frees
                        // the connection before the downstream sees the end of the response.
                        return response.withBody(response.body().doOnTerminate(permit::release).doOnCancel(permit::release));
                    })
                    .doOnError(failure -> permit.release())
                    .doOnCancel(() -> {
                        if (!responded.get()) {
                            permit.release(); // cancelled before a response (also while waiting in the queue)
                        }
                    })
                    .doOnSuccess(response -> {
                        if (response == null) {
                            permit.release(); // ended without a response
                        }
                    });
        });
    }
}
