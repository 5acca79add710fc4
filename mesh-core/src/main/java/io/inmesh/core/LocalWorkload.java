package io.inmesh.core;

import java.util.Map;
import java.util.Objects;

/**
 * The workload this JVM is: what Istio knows of a pod from Kubernetes. Its namespace and labels
 * decide which rules apply to its outbound calls ({@code sourceLabels}, {@code sourceNamespace},
 * {@code exportTo}, Sidecar scoping), and it identifies itself to the services it calls.
 *
 * @param name the workload's name, such as {@code productpage-v1}
 * @param namespace its namespace
 * @param labels its labels, such as {@code app: productpage, version: v1}
 * @param serviceAccount its service account, the basis of its SPIFFE identity
 */
public record LocalWorkload(String name, String namespace, Map<String, String> labels, String serviceAccount) {

    public LocalWorkload {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        serviceAccount = serviceAccount == null || serviceAccount.isEmpty() ? "default" : serviceAccount;
    }

    /** A workload with a name, namespace and labels, and the {@code default} service account. */
    public static LocalWorkload of(String name, String namespace, Map<String, String> labels) {
        return new LocalWorkload(name, namespace, labels, "default");
    }
}
