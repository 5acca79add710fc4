package io.inmesh.core.model;

import java.util.List;

/**
 * The spec of a Sidecar: the inbound and outbound traffic a workload's proxy handles.
 *
 * @param workloadSelector workloads it applies to; none means the whole namespace
 * @param ingress inbound listeners
 * @param egress outbound listeners
 * @param inboundConnectionPool inbound connection limits
 * @param outboundTrafficPolicy what to do with traffic to unknown hosts
 */
public record Sidecar(
        WorkloadSelector workloadSelector,
        List<IstioIngressListener> ingress,
        List<IstioEgressListener> egress,
        ConnectionPoolSettings inboundConnectionPool,
        OutboundTrafficPolicy outboundTrafficPolicy) {

    /** How traffic reaches a listener. */
    public enum CaptureMode {
        DEFAULT,
        IPTABLES,
        NONE
    }

    /**
     * An inbound listener.
     *
     * @param port the port
     * @param bind the address to bind
     * @param captureMode how traffic is captured
     * @param defaultEndpoint where inbound traffic is forwarded
     * @param tls TLS settings of the listener
     * @param connectionPool connection limits
     */
    public record IstioIngressListener(
            SidecarPort port,
            String bind,
            CaptureMode captureMode,
            String defaultEndpoint,
            ServerTlsSettings tls,
            ConnectionPoolSettings connectionPool) {
    }

    /**
     * An outbound listener.
     *
     * @param port the port
     * @param bind the address to bind
     * @param captureMode how traffic is captured
     * @param hosts visible services as {@code namespace/dnsName}
     */
    public record IstioEgressListener(SidecarPort port, String bind, CaptureMode captureMode, List<String> hosts) {
    }

    /**
     * A listener's port.
     *
     * @param number the port number
     * @param protocol the protocol
     * @param name the port's name
     * @param targetPort the endpoint port
     */
    public record SidecarPort(Integer number, String protocol, String name, Integer targetPort) {
    }

    /**
     * The policy for traffic to hosts the registry does not know.
     *
     * @param mode REGISTRY_ONLY or ALLOW_ANY
     * @param egressProxy where unknown traffic goes under ALLOW_ANY
     */
    public record OutboundTrafficPolicy(Mode mode, Destination egressProxy) {
        /** Whether unknown hosts are reachable. */
        public enum Mode {
            REGISTRY_ONLY,
            ALLOW_ANY
        }
    }
}
