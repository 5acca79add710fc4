package io.inmesh.core.internal.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.AuthorizationPolicy;
import io.inmesh.core.model.Destination;
import io.inmesh.core.model.DestinationRule;
import io.inmesh.core.model.HttpRoute;
import io.inmesh.core.model.HttpRouteDestination;
import io.inmesh.core.model.ObjectMeta;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import io.inmesh.core.model.Sidecar;
import io.inmesh.core.model.VirtualService;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation of resources built in code, whose lists and maps may be null, unlike those read from YAML. */
class ResourceValidationTest {

    @Test
    void resourcesWithNullListsAreValidatedWithoutFailing() {
        HttpRoute route = new HttpRoute(null, null, List.of(new HttpRouteDestination(new Destination("reviews", null, null), -1, null)),
                null, null, null, null, null, null, null, null, null, null, null, null, null);
        List<Resource<?>> resources = List.of(
                Resource.of(ResourceKind.VIRTUAL_SERVICE, ObjectMeta.of("bookinfo", "reviews"),
                        new VirtualService(List.of("reviews"), null, List.of(route), null, null, null)),
                Resource.of(ResourceKind.DESTINATION_RULE, ObjectMeta.of("bookinfo", "reviews"),
                        new DestinationRule("reviews", null, null, null, null)),
                Resource.of(ResourceKind.SIDECAR, ObjectMeta.of("bookinfo", "default"), new Sidecar(null, null, null, null, null)),
                Resource.of(ResourceKind.AUTHORIZATION_POLICY, ObjectMeta.of("bookinfo", "deny"),
                        new AuthorizationPolicy(null, null, null, null, AuthorizationPolicy.Action.DENY, null)));

        List<Diagnostic> diagnostics = MeshConfig.of(resources).diagnostics();

        assertThat(diagnostics).extracting(Diagnostic::format).containsExactlyInAnyOrder(
                "<code>: error: AuthorizationPolicy/bookinfo/deny: spec.rules: action DENY without rules"
                        + " (expected at least one rule; an empty rule {} denies every request)",
                "<code>: error: Sidecar/bookinfo/default: spec: empty Sidecar"
                        + " (expected at least one of egress, ingress, outboundTrafficPolicy, inboundConnectionPool)",
                "<code>: error: VirtualService/bookinfo/reviews: spec.http[0].route[0].weight: -1 (expected an integer >= 0)");
    }
}
