package io.inmesh.routing;

import java.util.Map;
import java.util.Objects;

/**
 * The workload that makes a request, as routing sees it: its namespace and labels (for
 * {@code sourceNamespace} and {@code sourceLabels} matches and for resolving short host names), and
 * the gateway it acts as ({@value #MESH} for an ordinary workload, as Istio's sidecars).
 *
 * @param namespace the caller's namespace
 * @param labels the caller's labels
 * @param gateway {@value #MESH}, or the {@code namespace/name} of the Gateway the caller implements
 */
public record Caller(String namespace, Map<String, String> labels, String gateway) {

    /** The gateway name of every sidecar, and so of every ordinary workload. */
    public static final String MESH = "mesh";

    public Caller {
        Objects.requireNonNull(namespace, "namespace");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        gateway = gateway == null ? MESH : gateway;
    }

    /** An ordinary workload in {@code namespace} with {@code labels}. */
    public static Caller of(String namespace, Map<String, String> labels) {
        return new Caller(namespace, labels, MESH);
    }
}
