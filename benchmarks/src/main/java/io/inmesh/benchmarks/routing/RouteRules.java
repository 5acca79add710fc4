package io.inmesh.benchmarks.routing;

/**
 * VirtualServices with a given number of HTTP routes, as a team writes them: each route matches a
 * URI prefix and a tenant header and sends to a subset of the service; the last route of each
 * VirtualService is its catch-all.
 */
final class RouteRules {

    /** Routes per VirtualService in the {@code spread} layout. */
    static final int ROUTES_PER_SERVICE = 10;

    private RouteRules() {
    }

    /** The host of VirtualService {@code index} in namespace {@code shop}. */
    static String host(int index) {
        return "svc-" + index + ".shop.svc.cluster.local";
    }

    /**
     * {@code routes} routes in {@code ceil(routes / perService)} VirtualServices of at most
     * {@code perService} routes each (the last one may hold fewer).
     */
    static String yaml(int routes, int perService) {
        StringBuilder yaml = new StringBuilder(routes * 300);
        int services = (routes + perService - 1) / perService;
        for (int s = 0; s < services; s++) {
            int count = Math.min(perService, routes - s * perService);
            yaml.append("""
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata:
                      name: svc-%1$d
                      namespace: shop
                    spec:
                      hosts:
                      - svc-%1$d
                      http:
                    """.formatted(s));
            for (int r = 0; r < count; r++) {
                if (r == count - 1 && count > 1) {
                    yaml.append("""
                              - name: default
                                route:
                                - destination:
                                    host: svc-%1$d
                                    subset: stable
                            """.formatted(s));
                } else {
                    yaml.append("""
                              - name: tenant-%2$d
                                match:
                                - uri:
                                    prefix: /api/v%2$d/
                                  headers:
                                    x-tenant:
                                      exact: tenant-%2$d
                                route:
                                - destination:
                                    host: svc-%1$d
                                    subset: canary
                                  weight: 10
                                - destination:
                                    host: svc-%1$d
                                    subset: stable
                                  weight: 90
                            """.formatted(s, r));
                }
            }
            yaml.append("---\n");
        }
        return yaml.toString();
    }
}
