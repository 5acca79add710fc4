package io.inmesh.core.internal.chain;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.MeshSnapshot;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.spi.MeshInterceptor;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Runs a list of interceptors in order and then a terminal step, enforcing the interceptor
 * contract: each interceptor calls {@code proceed} at most once and never returns {@code null}. A
 * broken contract fails the request with an error that names the interceptor.
 */
public final class InterceptorChain {

    /** An interceptor with the name used in contract errors. */
    public record Named(String name, MeshInterceptor interceptor) {
        public Named {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(interceptor, "interceptor");
        }
    }

    private final List<Named> interceptors;
    private final Function<MeshRequest, Mono<MeshResponse>> terminal;

    /**
     * @param interceptors the interceptors, in the order requests pass them
     * @param terminal what the last interceptor's {@code proceed} calls: the wire, or the application
     */
    public InterceptorChain(List<Named> interceptors, Function<MeshRequest, Mono<MeshResponse>> terminal) {
        this.interceptors = List.copyOf(interceptors);
        this.terminal = Objects.requireNonNull(terminal, "terminal");
    }

    public List<Named> interceptors() {
        return interceptors;
    }

    /** Runs the chain for one request against {@code snapshot}. */
    public Mono<MeshResponse> execute(MeshRequest request, MeshSnapshot snapshot, LocalWorkload workload) {
        return new Step(0, snapshot, workload).proceed(request);
    }

    private final class Step implements MeshInterceptor.Chain {
        private final int index;
        private final MeshSnapshot snapshot;
        private final LocalWorkload workload;
        private final java.util.concurrent.atomic.AtomicBoolean proceeded = new java.util.concurrent.atomic.AtomicBoolean();

        Step(int index, MeshSnapshot snapshot, LocalWorkload workload) {
            this.index = index;
            this.snapshot = snapshot;
            this.workload = workload;
        }

        @Override
        public Mono<MeshResponse> proceed(MeshRequest request) {
            Objects.requireNonNull(request, "request");
            if (index > 0 && !proceeded.compareAndSet(false, true)) {
                return Mono.error(new IllegalStateException(
                        "interceptor " + interceptors.get(index - 1).name() + " called proceed() more than once"));
            }
            return Mono.defer(() -> run(request));
        }

        @Override
        public Mono<MeshResponse> fork(MeshRequest request) {
            Objects.requireNonNull(request, "request");
            return Mono.defer(() -> run(request));
        }

        /** Runs the interceptor at {@code index} (or the terminal step) with a fresh chain for the one after it. */
        private Mono<MeshResponse> run(MeshRequest request) {
            if (index == interceptors.size()) {
                return Objects.requireNonNull(terminal.apply(request), "terminal step returned null");
            }
            Named current = interceptors.get(index);
            Mono<MeshResponse> response;
            try {
                response = current.interceptor().intercept(request, new Step(index + 1, snapshot, workload));
            } catch (RuntimeException e) {
                return Mono.error(e);
            }
            if (response == null) {
                return Mono.error(new IllegalStateException("interceptor " + current.name() + " returned null"));
            }
            return response;
        }

        @Override
        public MeshSnapshot snapshot() {
            return snapshot;
        }

        @Override
        public LocalWorkload workload() {
            return workload;
        }
    }
}
