package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.spi.MeshInterceptor;
import reactor.core.publisher.Mono;

/** TODO(issue 4): being written. */
public final class RetryInterceptor implements MeshInterceptor {

    public RetryInterceptor(RoutingRuntime runtime) {
    }

    @Override
    public Mono<MeshResponse> intercept(MeshRequest request, Chain chain) {
        return chain.proceed(request);
    }
}
