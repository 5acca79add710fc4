package io.inmesh.core.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Who called a {@link io.inmesh.core.MeshServer}, as far as the server knows. Without mTLS the
 * caller's mesh client declares it in the {@value #HEADER} header, so it is not proof of identity
 * ({@link #verified()} is false); with mTLS it comes from the peer certificate.
 *
 * @param workload the calling workload's name
 * @param namespace its namespace
 * @param labels its labels
 * @param serviceAccount its service account
 * @param verified whether a peer certificate proved it
 */
public record PeerIdentity(String workload, String namespace, Map<String, String> labels, String serviceAccount, boolean verified) {

    /** The request header a mesh client declares its workload in. */
    public static final String HEADER = "x-inmesh-peer";

    /** The attribute the server stack sets on inbound requests whose caller is known. */
    public static final AttributeKey<PeerIdentity> KEY = AttributeKey.of("peer", PeerIdentity.class);

    public PeerIdentity {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(namespace, "namespace");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** The SPIFFE-style principal Istio uses: {@code cluster.local/ns/NAMESPACE/sa/ACCOUNT}. */
    public String principal() {
        return "cluster.local/ns/" + namespace + "/sa/" + (serviceAccount == null ? "default" : serviceAccount);
    }

    /** The header value: {@code workload=productpage-v1;namespace=bookinfo;sa=bookinfo-productpage;app=productpage}. */
    public String toHeader() {
        StringBuilder value = new StringBuilder("workload=").append(workload).append(";namespace=").append(namespace);
        if (serviceAccount != null) {
            value.append(";sa=").append(serviceAccount);
        }
        labels.forEach((key, label) -> value.append(';').append(key).append('=').append(label));
        return value.toString();
    }

    /** Reads a header value written by {@link #toHeader()}; {@code null} when it lacks a workload or namespace. */
    public static PeerIdentity fromHeader(String header) {
        if (header == null) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        String workload = null;
        String namespace = null;
        String serviceAccount = null;
        for (String part : header.split(";")) {
            int equals = part.indexOf('=');
            if (equals <= 0) {
                continue;
            }
            String key = part.substring(0, equals).trim();
            String value = part.substring(equals + 1).trim();
            switch (key) {
                case "workload" -> workload = value;
                case "namespace" -> namespace = value;
                case "sa" -> serviceAccount = value;
                default -> labels.put(key, value);
            }
        }
        return workload == null || namespace == null ? null : new PeerIdentity(workload, namespace, labels, serviceAccount, false);
    }
}
