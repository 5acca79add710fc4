package io.inmesh.controlplane;

/** YAML of the resources the tests write, each a complete document. */
final class RuleFiles {

    private RuleFiles() {
    }

    static String virtualService(String namespace, String name, String host, int weightV1) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  hosts: [%s]
                  http:
                  - route:
                    - destination: {host: %s, subset: v1}
                      weight: %d
                    - destination: {host: %s, subset: v2}
                      weight: %d
                """.formatted(name, namespace, host, host, weightV1, host, 100 - weightV1);
    }

    static String destinationRule(String namespace, String name, String host) {
        return """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  host: %s
                  subsets:
                  - name: v1
                    labels: {version: v1}
                  - name: v2
                    labels: {version: v2}
                """.formatted(name, namespace, host);
    }

    static String peerAuthentication(String namespace) {
        return """
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata:
                  name: default
                  namespace: %s
                spec:
                  mtls: {mode: STRICT}
                """.formatted(namespace);
    }
}
