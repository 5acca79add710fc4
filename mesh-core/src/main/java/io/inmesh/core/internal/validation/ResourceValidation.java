package io.inmesh.core.internal.validation;

import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.internal.yaml.DiagnosticCollector;
import io.inmesh.core.model.AuthorizationPolicy;
import io.inmesh.core.model.DestinationRule;
import io.inmesh.core.model.Gateway;
import io.inmesh.core.model.PeerAuthentication;
import io.inmesh.core.model.RequestAuthentication;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import io.inmesh.core.model.ServiceEntry;
import io.inmesh.core.model.Sidecar;
import io.inmesh.core.model.VirtualService;
import io.inmesh.core.model.WorkloadEntry;
import java.util.List;

/**
 * Runs the checks of each resource (Istio's validation of its kind and the fields inmesh does not
 * implement), then the checks across resources.
 */
public final class ResourceValidation {

    private static final String DRY_RUN = "istio.io/dry-run";

    private ResourceValidation() {
    }

    /** Every finding about {@code resources}, in the order the checks made them. */
    public static List<Diagnostic> validate(List<Resource<?>> resources) {
        DiagnosticCollector diagnostics = new DiagnosticCollector();
        for (Resource<?> resource : resources) {
            FieldChecks check = new FieldChecks(resource, diagnostics);
            switch (resource.kind()) {
                case VIRTUAL_SERVICE -> VirtualServiceValidator.validate(check, resource.spec(VirtualService.class));
                case DESTINATION_RULE -> DestinationRuleValidator.validate(check, resource.spec(DestinationRule.class));
                case SERVICE_ENTRY -> ServiceEntryValidator.validate(check, resource.spec(ServiceEntry.class));
                case WORKLOAD_ENTRY -> WorkloadEntryValidator.validate(check, resource.spec(WorkloadEntry.class));
                case SIDECAR -> SidecarValidator.validate(check, resource.spec(Sidecar.class));
                case GATEWAY -> GatewayValidator.validate(check, resource.spec(Gateway.class));
                case PEER_AUTHENTICATION -> PeerAuthenticationValidator.validate(check, resource.spec(PeerAuthentication.class));
                case AUTHORIZATION_POLICY -> AuthorizationPolicyValidator.validate(check, resource.spec(AuthorizationPolicy.class));
                case REQUEST_AUTHENTICATION -> RequestAuthenticationValidator.validate(check, resource.spec(RequestAuthentication.class));
            }
            if (resource.kind() != ResourceKind.AUTHORIZATION_POLICY && resource.metadata().annotations().containsKey(DRY_RUN)) {
                check.error(FieldChecks.at("metadata.annotations", DRY_RUN), "annotation " + DRY_RUN + " on a " + resource.kind().kindName(),
                        "it only on an AuthorizationPolicy");
            }
            UnsupportedFields.report(check);
        }
        CrossResourceChecks.validate(resources, diagnostics);
        return diagnostics.list();
    }
}
