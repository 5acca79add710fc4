package io.inmesh.benchmarks.config;

/**
 * Istio rules of a given size as a platform with many teams has them: per service a ServiceEntry
 * (three endpoints in two versions), a DestinationRule (connection pool, outlier detection, two
 * subsets) and a VirtualService (a header-matched canary route with retries, a URI-prefix route
 * with a rewrite and a timeout, a 90/10 default split), spread over 20 namespaces.
 */
final class GeneratedRules {

    static final int NAMESPACES = 20;

    private GeneratedRules() {
    }

    /** About {@code resources} resources (rounded down to a multiple of 3), as one multi-document YAML text. */
    static String yaml(int resources) {
        int services = resources / 3;
        StringBuilder yaml = new StringBuilder(services * 2600);
        for (int i = 0; i < services; i++) {
            String namespace = "team-" + (i % NAMESPACES);
            String name = "svc-" + i;
            String host = name + "." + namespace + ".svc.cluster.local";
            int third = 10 + (i % 200);
            yaml.append("""
                    apiVersion: networking.istio.io/v1
                    kind: ServiceEntry
                    metadata:
                      name: %1$s
                      namespace: %2$s
                    spec:
                      hosts:
                      - %3$s
                      location: MESH_INTERNAL
                      ports:
                      - number: 8080
                        name: http
                        protocol: HTTP
                      resolution: STATIC
                      endpoints:
                      - address: 10.%4$d.%5$d.1
                        labels:
                          version: v1
                      - address: 10.%4$d.%5$d.2
                        labels:
                          version: v1
                      - address: 10.%4$d.%5$d.3
                        labels:
                          version: v2
                    ---
                    apiVersion: networking.istio.io/v1
                    kind: DestinationRule
                    metadata:
                      name: %1$s
                      namespace: %2$s
                    spec:
                      host: %3$s
                      trafficPolicy:
                        connectionPool:
                          tcp:
                            maxConnections: 100
                          http:
                            http1MaxPendingRequests: 1000
                            maxRequestsPerConnection: 100
                        outlierDetection:
                          consecutive5xxErrors: 5
                          interval: 10s
                          baseEjectionTime: 30s
                        loadBalancer:
                          simple: LEAST_REQUEST
                      subsets:
                      - name: v1
                        labels:
                          version: v1
                      - name: v2
                        labels:
                          version: v2
                    ---
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata:
                      name: %1$s
                      namespace: %2$s
                    spec:
                      hosts:
                      - %1$s
                      http:
                      - name: canary-testers
                        match:
                        - headers:
                            x-canary:
                              exact: "true"
                        route:
                        - destination:
                            host: %1$s
                            subset: v2
                        retries:
                          attempts: 3
                          perTryTimeout: 2s
                          retryOn: 5xx,connect-failure
                      - name: api-v%6$d
                        match:
                        - uri:
                            prefix: /api/v%6$d/
                        rewrite:
                          uri: /
                        timeout: 5s
                        route:
                        - destination:
                            host: %1$s
                            subset: v1
                      - name: default
                        route:
                        - destination:
                            host: %1$s
                            subset: v1
                          weight: 90
                        - destination:
                            host: %1$s
                            subset: v2
                          weight: 10
                    ---
                    """.formatted(name, namespace, host, (i / 250) % 250, i % 250, third));
        }
        return yaml.toString();
    }
}
