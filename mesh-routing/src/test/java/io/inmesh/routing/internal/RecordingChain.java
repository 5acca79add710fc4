package io.inmesh.routing.internal;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.MeshSnapshot;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.spi.MeshInterceptor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The rest of the stack as one interceptor sees it, for unit tests: it records what was passed on
 * (with {@code proceed} and with {@code fork}) and answers with {@code upstream}.
 */
final class RecordingChain implements MeshInterceptor.Chain {

    final List<MeshRequest> proceeded = new CopyOnWriteArrayList<>();
    final List<MeshRequest> forked = new CopyOnWriteArrayList<>();
    private final Function<MeshRequest, Mono<MeshResponse>> upstream;
    private final MeshSnapshot snapshot;

    RecordingChain(MeshSnapshot snapshot, Function<MeshRequest, Mono<MeshResponse>> upstream) {
        this.snapshot = snapshot;
        this.upstream = upstream;
    }

    /** A chain whose upstream answers 200 {@code upstream}. */
    static RecordingChain answering200() {
        return new RecordingChain(null, request -> Mono.fromSupplier(() -> MeshResponse.text(200, "upstream")));
    }

    @Override
    public Mono<MeshResponse> proceed(MeshRequest request) {
        return Mono.defer(() -> {
            proceeded.add(request);
            return upstream.apply(request);
        });
    }

    @Override
    public Mono<MeshResponse> fork(MeshRequest request) {
        return Mono.defer(() -> {
            forked.add(request);
            return upstream.apply(request);
        });
    }

    @Override
    public MeshSnapshot snapshot() {
        return snapshot;
    }

    @Override
    public LocalWorkload workload() {
        return LocalWorkload.of("productpage-v1", "bookinfo", Map.of("app", "productpage"));
    }
}
