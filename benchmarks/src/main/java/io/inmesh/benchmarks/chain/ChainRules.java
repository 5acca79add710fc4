package io.inmesh.benchmarks.chain;

/** The rule set the chain benchmarks route by: what a user of Istio would run, not a toy. */
public final class ChainRules {

    private ChainRules() {
    }

    /** Bookinfo's reviews service with endpoints v1, v2 and v3 on 127.0.0.1 ports 19083, 19084, 19085. */
    public static final String YAML = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              hosts:
              - reviews.bookinfo.svc.cluster.local
              location: MESH_INTERNAL
              ports:
              - number: 9080
                name: http
                protocol: HTTP
              resolution: STATIC
              endpoints:
              - address: 127.0.0.1
                ports:
                  http: 19083
                labels:
                  app: reviews
                  version: v1
              - address: 127.0.0.1
                ports:
                  http: 19084
                labels:
                  app: reviews
                  version: v2
              - address: 127.0.0.1
                ports:
                  http: 19085
                labels:
                  app: reviews
                  version: v3
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              host: reviews.bookinfo.svc.cluster.local
              trafficPolicy:
                connectionPool:
                  tcp:
                    maxConnections: 100
                  http:
                    http1MaxPendingRequests: 1000
                    http2MaxRequests: 1000
                outlierDetection:
                  consecutive5xxErrors: 5
                  interval: 10s
                  baseEjectionTime: 30s
              subsets:
              - name: v1
                labels:
                  version: v1
              - name: v2
                labels:
                  version: v2
              - name: v3
                labels:
                  version: v3
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              hosts:
              - reviews.bookinfo.svc.cluster.local
              http:
              - name: jason
                match:
                - headers:
                    end-user:
                      exact: jason
                route:
                - destination:
                    host: reviews.bookinfo.svc.cluster.local
                    subset: v2
                  weight: 90
                - destination:
                    host: reviews.bookinfo.svc.cluster.local
                    subset: v3
                  weight: 10
              - name: default
                route:
                - destination:
                    host: reviews.bookinfo.svc.cluster.local
                    subset: v1
            """;

    /** {@link #YAML} with the endpoints of v1, v2 and v3 on the given loopback ports (servers bound to port 0). */
    public static String withPorts(int v1, int v2, int v3) {
        return YAML.replace("http: 19083", "http: " + v1).replace("http: 19084", "http: " + v2).replace("http: 19085", "http: " + v3);
    }
}
