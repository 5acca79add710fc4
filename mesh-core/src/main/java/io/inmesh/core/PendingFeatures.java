package io.inmesh.core;

import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.DestinationRule;
import io.inmesh.core.model.HttpRoute;
import io.inmesh.core.model.HttpRouteDestination;
import io.inmesh.core.model.LoadBalancerSettings;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import io.inmesh.core.model.Subset;
import io.inmesh.core.model.TrafficPolicy;
import io.inmesh.core.model.VirtualService;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of a valid configuration that this version's data path accepts but does not apply
 * yet (fault injection, timeouts, retries, mirroring, rewrites, header operations, and
 * DestinationRule load balancing other than round robin, connection pools and outlier detection),
 * so that the mesh says so when it takes the rules instead of ignoring them silently. The list
 * shrinks as the resilience work lands.
 */
final class PendingFeatures {

    private PendingFeatures() {
    }

    /** Where such settings are, as {@code Kind/namespace/name: field.path}. */
    static List<String> find(MeshConfig config) {
        List<String> found = new ArrayList<>();
        for (Resource<VirtualService> resource : config.resources(ResourceKind.VIRTUAL_SERVICE, VirtualService.class)) {
            List<HttpRoute> http = resource.spec().http();
            for (int i = 0; i < http.size(); i++) {
                HttpRoute route = http.get(i);
                String at = resource.key() + ": spec.http[" + i + "].";
                add(found, route.fault() != null, at + "fault");
                add(found, route.timeout() != null, at + "timeout");
                add(found, route.retries() != null, at + "retries");
                add(found, route.mirror() != null || !route.mirrors().isEmpty(), at + "mirror");
                add(found, route.rewrite() != null, at + "rewrite");
                add(found, route.headers() != null || route.route().stream().map(HttpRouteDestination::headers).anyMatch(h -> h != null),
                        at + "headers");
            }
        }
        for (Resource<DestinationRule> resource : config.resources(ResourceKind.DESTINATION_RULE, DestinationRule.class)) {
            policy(found, resource.key() + ": spec.trafficPolicy", resource.spec().trafficPolicy());
            List<Subset> subsets = resource.spec().subsets();
            for (int i = 0; i < subsets.size(); i++) {
                policy(found, resource.key() + ": spec.subsets[" + i + "].trafficPolicy", subsets.get(i).trafficPolicy());
            }
        }
        return found;
    }

    private static void policy(List<String> found, String at, TrafficPolicy policy) {
        if (policy == null) {
            return;
        }
        LoadBalancerSettings balancer = policy.loadBalancer();
        boolean roundRobin = balancer == null || (balancer.consistentHash() == null
                && (balancer.simple() == null || balancer.simple() == LoadBalancerSettings.SimpleLb.ROUND_ROBIN
                        || balancer.simple() == LoadBalancerSettings.SimpleLb.UNSPECIFIED));
        add(found, !roundRobin, at + ".loadBalancer");
        add(found, policy.connectionPool() != null, at + ".connectionPool");
        add(found, policy.outlierDetection() != null, at + ".outlierDetection");
        add(found, !policy.portLevelSettings().isEmpty(), at + ".portLevelSettings");
    }

    private static void add(List<String> found, boolean present, String where) {
        if (present) {
            found.add(where);
        }
    }
}
