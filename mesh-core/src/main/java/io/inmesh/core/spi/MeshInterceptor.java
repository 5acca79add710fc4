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
 */
@FunctionalInterface
public interface MeshInterceptor {

    Mono<MeshResponse> intercept(MeshRequest request, Chain chain);

    /** The rest of the stack, as one interceptor sees it. */
    interface Chain {

        /** Passes {@code request} to the next step; at most once per interceptor call. */
        Mono<MeshResponse> proceed(MeshRequest request);

        /** The snapshot this request is evaluated against, read once when the request entered the mesh. */
        MeshSnapshot snapshot();

        /** The workload this mesh runs in. */
        LocalWorkload workload();
    }
}
