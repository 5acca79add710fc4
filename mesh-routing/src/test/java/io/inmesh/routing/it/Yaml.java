package io.inmesh.routing.it;

/**
 * The registry resources the tests share, as Istio YAML: a ServiceEntry that selects an app's
 * WorkloadEntries, and WorkloadEntries on 127.0.0.1. Routing resources (VirtualService,
 * DestinationRule, Sidecar) are written out in each test, where they are what the test is about.
 *
 * <p>Port mapping, as Istio (and the registry) do it: the ServiceEntry's port {@code number: 9080,
 * name: http} is the port applications call; a WorkloadEntry's {@code ports: {http: N}} says that
 * this instance serves that port, by its name, on N, the instance's real port.
 */
final class Yaml {

    static final String NAMESPACE = "bookinfo";

    private Yaml() {
    }

    /**
     * A ServiceEntry for {@code <app>.bookinfo.svc.cluster.local} (the host a Kubernetes Service would
     * have; a ServiceEntry's hosts are taken as written), port 9080 named {@code http}, whose endpoints
     * are the WorkloadEntries labelled {@code app: <app>}.
     */
    static String serviceEntry(String app) {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: %1$s
                  namespace: bookinfo
                spec:
                  hosts:
                  - %1$s.bookinfo.svc.cluster.local
                  location: MESH_INTERNAL
                  ports:
                  - number: 9080
                    name: http
                    protocol: HTTP
                  resolution: STATIC
                  workloadSelector:
                    labels:
                      app: %1$s
                """.formatted(app);
    }

    /** A WorkloadEntry at 127.0.0.1 whose port for the service port named {@code http} is {@code port}. */
    static String workloadEntry(String name, String app, String version, int port) {
        return """
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata:
                  name: %s
                  namespace: bookinfo
                spec:
                  address: 127.0.0.1
                  ports:
                    http: %d
                  labels:
                    app: %s
                    version: %s
                """.formatted(name, port, app, version);
    }

    /** A DestinationRule for reviews with subsets v1, v2 and v3 by the {@code version} label. */
    static String reviewsSubsets() {
        return """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: reviews
                  namespace: bookinfo
                spec:
                  host: reviews
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
                """;
    }
}
