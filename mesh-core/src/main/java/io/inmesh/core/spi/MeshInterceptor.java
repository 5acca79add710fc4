package io.inmesh.core.spi;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.MeshSnapshot;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import reactor.core.publisher.Mono;

/**
 * One step of the mesh's client or server stack: it looks at the request, may change it, answer
 * it or pass it on with {@link Chain#proceed}, and may change the response on its way back.
 *
 * <p>The contract, which the chain enforces and reports naming the interceptor that broke it: call
 * {@code proceed} at most once (a retry resubscribes to the {@code Mono} it returned instead of
 * calling again), never return {@code null}, and never block: the stack runs on event-loop threads.
 *
 * <p>The {@code Mono} that {@code proceed} returns is lazy: each subscription runs the rest of the
 * stack afresh, so the steps after a retry (circuit breaker, endpoint choice) decide again for every
 * attempt.
 */
@FunctionalInterface
public interface MeshInterceptor {

    Mono<MeshResponse> intercept(MeshRequest request, Chain chain);

    /** The rest of the stack, as one interceptor sees it. */
    interface Chain {

        /**
         * Passes {@code request} to the next step; at most once per interceptor call. Nothing runs
         * until the result is subscribed to, and every subscription runs the rest of the stack again.
         */
        Mono<MeshResponse> proceed(MeshRequest request);

        /**
         * Sends a further, independent request through the rest of the stack, as Envoy sends a
         * mirrored (shadow) copy: it may be called any number of times and does not count as
         * {@link #proceed}. The caller owns the returned response and must consume or release it.
         */
        Mono<MeshResponse> fork(MeshRequest request);

        /** The snapshot this request is evaluated against, read once when the request entered the mesh. */
        MeshSnapshot snapshot();

        /** The workload this mesh runs in. */
        LocalWorkload workload();
    }
}
