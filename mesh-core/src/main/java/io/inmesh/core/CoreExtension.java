package io.inmesh.core;

import io.inmesh.core.config.Hosts;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.registry.ServiceRegistry;
import io.inmesh.core.spi.ClientStage;
import io.inmesh.core.spi.MeshExtension;
import io.inmesh.core.spi.MeshInterceptor;
import io.inmesh.core.spi.ServerStage;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The steps mesh-core itself puts in the stack: the egress step, which applies the outbound traffic
 * policy, and the server gate that fails closed on security policies inmesh cannot enforce yet.
 * Always present; not registered through {@link java.util.ServiceLoader}.
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

    @Override
    public List<Positioned<ServerStage>> serverInterceptors() {
        return List.of(new Positioned<>(ServerStage.AUTHORIZATION, "core/unenforced-policies", new UnenforcedPolicyGate()));
    }

    /**
     * Refuses every inbound request with 403 while a security policy that inmesh cannot enforce yet
     * applies to the workload (see {@link InboundPolicies}): failing closed, not open.
     */
    static final class UnenforcedPolicyGate implements MeshInterceptor {
        @Override
        public Mono<MeshResponse> intercept(MeshRequest request, Chain chain) {
            InboundPolicies policies = chain.snapshot().require(InboundPolicies.class);
            if (!policies.refuseAll()) {
                return chain.proceed(request);
            }
            return Mono.just(MeshResponse.text(403, "RBAC: access denied: " + String.join(", ", policies.unenforced())
                    + " applies to workload " + chain.workload().namespace() + "/" + chain.workload().name()
                    + " and this inmesh version does not enforce it yet; refusing rather than ignoring it\n"));
        }
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
