package io.inmesh.telemetry.internal.metrics;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.MeshSnapshot;
import io.inmesh.core.http.PeerIdentity;
import io.inmesh.core.registry.MeshService;
import io.inmesh.core.registry.ServiceRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Map;

/**
 * Istio's standard labels and how their values are found, as Istio's stats filter sets them:
 * {@value #UNKNOWN} for whatever is not known, principals only from a peer certificate (mTLS),
 * {@code Kubernetes} as the cluster of a known workload (Istio's default cluster id).
 */
final class IstioLabels {

    static final String UNKNOWN = "unknown";
    /** Istio's default cluster id, which its metrics carry for every workload of a single-cluster mesh. */
    static final String CLUSTER = "Kubernetes";
    private static final String CLUSTER_DOMAIN = ".svc.cluster.local";

    static final AttributeKey<String> REPORTER = AttributeKey.stringKey("reporter");
    static final AttributeKey<String> SOURCE_WORKLOAD = AttributeKey.stringKey("source_workload");
    static final AttributeKey<String> SOURCE_WORKLOAD_NAMESPACE = AttributeKey.stringKey("source_workload_namespace");
    static final AttributeKey<String> SOURCE_PRINCIPAL = AttributeKey.stringKey("source_principal");
    static final AttributeKey<String> SOURCE_APP = AttributeKey.stringKey("source_app");
    static final AttributeKey<String> SOURCE_VERSION = AttributeKey.stringKey("source_version");
    static final AttributeKey<String> DESTINATION_WORKLOAD = AttributeKey.stringKey("destination_workload");
    static final AttributeKey<String> DESTINATION_WORKLOAD_NAMESPACE = AttributeKey.stringKey("destination_workload_namespace");
    static final AttributeKey<String> DESTINATION_PRINCIPAL = AttributeKey.stringKey("destination_principal");
    static final AttributeKey<String> DESTINATION_APP = AttributeKey.stringKey("destination_app");
    static final AttributeKey<String> DESTINATION_VERSION = AttributeKey.stringKey("destination_version");
    static final AttributeKey<String> DESTINATION_SERVICE = AttributeKey.stringKey("destination_service");
    static final AttributeKey<String> DESTINATION_SERVICE_NAME = AttributeKey.stringKey("destination_service_name");
    static final AttributeKey<String> DESTINATION_SERVICE_NAMESPACE = AttributeKey.stringKey("destination_service_namespace");
    static final AttributeKey<String> DESTINATION_CLUSTER = AttributeKey.stringKey("destination_cluster");
    static final AttributeKey<String> REQUEST_PROTOCOL = AttributeKey.stringKey("request_protocol");
    static final AttributeKey<String> RESPONSE_CODE = AttributeKey.stringKey("response_code");
    static final AttributeKey<String> RESPONSE_FLAGS = AttributeKey.stringKey("response_flags");
    static final AttributeKey<String> CONNECTION_SECURITY_POLICY = AttributeKey.stringKey("connection_security_policy");

    private IstioLabels() {
    }

    /** One side of a call as the labels describe it. */
    record Side(String workload, String namespace, String principal, String app, String version, String cluster) {
        static final Side UNKNOWN_SIDE = new Side(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN);

        /** This JVM's workload; its principal is known only through its certificate, so not without mTLS. */
        static Side of(LocalWorkload workload) {
            return new Side(workload.name(), workload.namespace(), UNKNOWN, appOf(workload.labels()), versionOf(workload.labels()), CLUSTER);
        }

        /** A peer as it declared itself; its principal counts only when a certificate proved it. */
        static Side of(PeerIdentity peer) {
            if (peer == null) {
                return UNKNOWN_SIDE;
            }
            String principal = peer.verified() ? "spiffe://" + peer.principal() : UNKNOWN;
            return new Side(peer.workload(), peer.namespace(), principal, appOf(peer.labels()), versionOf(peer.labels()), CLUSTER);
        }
    }

    /** The destination service: its host as the labels write it, its name and namespace. */
    record Service(String host, String name, String namespace) {
        static final Service UNKNOWN_SERVICE = new Service(UNKNOWN, UNKNOWN, UNKNOWN);

        /**
         * As Istio names it: a Kubernetes host {@code name.namespace.svc.cluster.local} by its parts; a
         * ServiceEntry host by itself and the ServiceEntry's namespace (what Istio's service registry
         * gives a ServiceEntry's service); a host the mesh does not know as Istio's passthrough.
         */
        static Service of(String host, MeshSnapshot snapshot) {
            if (host == null || host.isEmpty()) {
                return UNKNOWN_SERVICE;
            }
            if (host.endsWith(CLUSTER_DOMAIN)) {
                String service = host.substring(0, host.length() - CLUSTER_DOMAIN.length());
                int dot = service.indexOf('.');
                if (dot > 0 && dot == service.lastIndexOf('.')) {
                    return new Service(host, service.substring(0, dot), service.substring(dot + 1));
                }
            }
            ServiceRegistry registry = snapshot == null ? null : snapshot.find(ServiceRegistry.class);
            MeshService known = registry == null ? null : registry.service(host).orElse(null);
            if (known != null) {
                return new Service(host, host, known.namespace());
            }
            return new Service(host, "PassthroughCluster", UNKNOWN);
        }
    }

    /** Istio's labels of one call as seen from one side. */
    static Attributes of(boolean outbound, Side source, Side destination, Service service, boolean grpc, int status,
            String flags, String securityPolicy) {
        AttributesBuilder labels = Attributes.builder()
                .put(REPORTER, outbound ? "source" : "destination")
                .put(SOURCE_WORKLOAD, source.workload())
                .put(SOURCE_WORKLOAD_NAMESPACE, source.namespace())
                .put(SOURCE_PRINCIPAL, source.principal())
                .put(SOURCE_APP, source.app())
                .put(SOURCE_VERSION, source.version())
                .put(DESTINATION_WORKLOAD, destination.workload())
                .put(DESTINATION_WORKLOAD_NAMESPACE, destination.namespace())
                .put(DESTINATION_PRINCIPAL, destination.principal())
                .put(DESTINATION_APP, destination.app())
                .put(DESTINATION_VERSION, destination.version())
                .put(DESTINATION_SERVICE, service.host())
                .put(DESTINATION_SERVICE_NAME, service.name())
                .put(DESTINATION_SERVICE_NAMESPACE, service.namespace())
                .put(DESTINATION_CLUSTER, destination.cluster())
                .put(REQUEST_PROTOCOL, grpc ? "grpc" : "http")
                .put(RESPONSE_CODE, Integer.toString(status))
                .put(RESPONSE_FLAGS, flags)
                .put(CONNECTION_SECURITY_POLICY, securityPolicy);
        return labels.build();
    }

    /** The {@code app} label, or the recommended Kubernetes one; as Istio reads a workload's app. */
    private static String appOf(Map<String, String> labels) {
        return labels.getOrDefault("app", labels.getOrDefault("app.kubernetes.io/name", UNKNOWN));
    }

    private static String versionOf(Map<String, String> labels) {
        return labels.getOrDefault("version", labels.getOrDefault("app.kubernetes.io/version", UNKNOWN));
    }
}
