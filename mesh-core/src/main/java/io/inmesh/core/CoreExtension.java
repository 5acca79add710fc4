package io.inmesh.core;

import io.inmesh.core.config.Hosts;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.registry.ServiceRegistry;
import io.inmesh.core.spi.ClientStage;
import io.inmesh.core.spi.MeshExtension;
import io.inmesh.core.spi.MeshInterceptor;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The steps mesh-core itself puts in the stack: the egress step, which applies the outbound traffic
 * policy. Always present; not registered through {@link java.util.ServiceLoader}.
 */
final class CoreExtension implements MeshExtension {

    @Override
    public String name() {
        return "core";
    }

    @Override
    public List<Positioned<ClientStage>> clientInterceptors() {
        return List.of(new Positioned<>(ClientStage.EGRESS, "core/egress", new EgressInterceptor()));
    }

    /**
     * Under {@code REGISTRY_ONLY}, refuses a request to a host the service registry does not know,
     * before any connection is opened (502, {@code NR}), as Istio's sidecar sends such traffic to its
     * black hole. Under {@code ALLOW_ANY} every request passes.
     */
    static final class EgressInterceptor implements MeshInterceptor {
        @Override
        public Mono<MeshResponse> intercept(MeshRequest request, Chain chain) {
            OutboundPolicy policy = chain.snapshot().require(OutboundPolicy.class);
            if (!policy.registryOnly()) {
                return chain.proceed(request);
            }
            ServiceRegistry registry = chain.snapshot().require(ServiceRegistry.class);
            String host = Hosts.normalize(request.host());
            String qualified = Hosts.qualify(host, chain.workload().namespace());
            if (registry.knows(host) || (qualified != null && registry.knows(qualified))) {
                return chain.proceed(request);
            }
            return Mono.error(new MeshException.EgressBlocked("egress to " + request.authority() + " blocked: neither " + host
                    + (qualified != null ? " nor " + qualified : "") + " is in the service registry and the outbound traffic"
                    + " policy is REGISTRY_ONLY (" + policy.decidedBy() + "); add a ServiceEntry for it"));
        }
    }
}
