package io.inmesh.core.registry;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One network endpoint of a {@link MeshService}: where a connection for the service goes, and what
 * load balancing and subset selection need to know about it. Immutable.
 *
 * <p>An endpoint serves some of its service's ports, and for each one it knows the port to connect
 * to ({@link #port(int)}). As in Istio, that port is, in order of precedence: {@code 0} for a unix
 * socket; the endpoint's {@code ports} entry for the service port's <em>name</em>; the service port's
 * {@code targetPort}; the service port's number.
 *
 * <p>Absent strings ({@link #network()}, {@link #locality()}, {@link #serviceAccount()}) are empty,
 * never {@code null}.
 */
public final class Endpoint {

    private static final String UNIX_PREFIX = "unix://";

    private final String address;
    private final int[] servicePorts;
    private final int[] targetPorts;
    private final Map<Integer, Integer> ports;
    private final Map<String, String> labels;
    private final int weight;
    private final String network;
    private final String locality;
    private final String serviceAccount;

    private Endpoint(Builder builder) {
        this.address = builder.address;
        this.servicePorts = new int[builder.ports.size()];
        this.targetPorts = new int[builder.ports.size()];
        int i = 0;
        for (Map.Entry<Integer, Integer> port : builder.ports.entrySet()) {
            servicePorts[i] = port.getKey();
            targetPorts[i] = port.getValue();
            i++;
        }
        this.ports = Collections.unmodifiableMap(new LinkedHashMap<>(builder.ports));
        this.labels = Map.copyOf(builder.labels);
        this.weight = builder.weight;
        this.network = builder.network;
        this.locality = builder.locality;
        this.serviceAccount = builder.serviceAccount;
    }

    /**
     * Starts an endpoint at {@code address}: an IP address, a DNS name, or {@code unix://} followed by
     * a socket path.
     */
    public static Builder builder(String address) {
        return new Builder(address);
    }

    /** The IP address, DNS name or {@code unix://} socket address, as written. */
    public String address() {
        return address;
    }

    /** Whether {@link #address()} is a unix domain socket ({@code unix://...}), reached without a port. */
    public boolean isUnixSocket() {
        return address.startsWith(UNIX_PREFIX);
    }

    /** Whether this endpoint serves the service port {@code servicePort}. */
    public boolean serves(int servicePort) {
        return Arrays.binarySearch(servicePorts, servicePort) >= 0;
    }

    /**
     * The port to connect to for the service port {@code servicePort}; {@code 0} for a unix socket.
     *
     * @throws IllegalArgumentException when this endpoint does not serve {@code servicePort}
     */
    public int port(int servicePort) {
        int index = Arrays.binarySearch(servicePorts, servicePort);
        if (index < 0) {
            throw new IllegalArgumentException("endpoint " + address + " does not serve port " + servicePort
                    + " (expected one of " + ports.keySet() + ")");
        }
        return targetPorts[index];
    }

    /** The endpoint port for each service port this endpoint serves, by service port number, ascending. */
    public Map<Integer, Integer> ports() {
        return ports;
    }

    /** The workload's labels, which subsets select on. */
    public Map<String, String> labels() {
        return labels;
    }

    /** Whether the labels contain every entry of {@code selector}; an empty selector matches everything. */
    public boolean matches(Map<String, String> selector) {
        if (selector.isEmpty()) {
            return true;
        }
        if (selector.size() > labels.size()) {
            return false;
        }
        for (Map.Entry<String, String> wanted : selector.entrySet()) {
            if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The load balancing weight, at least 1 (Istio treats an absent or zero weight as 1). */
    public int weight() {
        return weight;
    }

    /** The network the endpoint is in; empty when not written. */
    public String network() {
        return network;
    }

    /** The endpoint's {@code region/zone/subzone}; empty when not written. */
    public String locality() {
        return locality;
    }

    /**
     * The service account the workload runs as, as written (its SPIFFE identity is
     * {@code spiffe://<trust domain>/ns/<service namespace>/sa/<serviceAccount>}); empty when not written.
     */
    public String serviceAccount() {
        return serviceAccount;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Endpoint that
                && address.equals(that.address)
                && ports.equals(that.ports)
                && labels.equals(that.labels)
                && weight == that.weight
                && network.equals(that.network)
                && locality.equals(that.locality)
                && serviceAccount.equals(that.serviceAccount);
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, ports, labels, weight, network, locality, serviceAccount);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Endpoint[").append(address).append(" ports=").append(ports);
        if (!labels.isEmpty()) {
            text.append(" labels=").append(new TreeMap<>(labels));
        }
        if (weight != 1) {
            text.append(" weight=").append(weight);
        }
        if (!network.isEmpty()) {
            text.append(" network=").append(network);
        }
        if (!locality.isEmpty()) {
            text.append(" locality=").append(locality);
        }
        if (!serviceAccount.isEmpty()) {
            text.append(" serviceAccount=").append(serviceAccount);
        }
        return text.append(']').toString();
    }

    /** Collects an endpoint's properties; only the address is required. Not thread-safe. */
    public static final class Builder {

        private final String address;
        private final TreeMap<Integer, Integer> ports = new TreeMap<>();
        private Map<String, String> labels = Map.of();
        private int weight = 1;
        private String network = "";
        private String locality = "";
        private String serviceAccount = "";

        private Builder(String address) {
            Objects.requireNonNull(address, "address");
            if (address.isEmpty()) {
                throw new IllegalArgumentException("address: empty (expected an IP address, a DNS name or unix://path)");
            }
            this.address = address;
        }

        /** The endpoint serves {@code servicePort} at {@code endpointPort} ({@code 0} only for a unix socket). */
        public Builder port(int servicePort, int endpointPort) {
            if (servicePort < 1 || servicePort > 65535) {
                throw new IllegalArgumentException("service port: " + servicePort + " (expected: 1..65535)");
            }
            if (endpointPort < 0 || endpointPort > 65535) {
                throw new IllegalArgumentException("endpoint port: " + endpointPort + " (expected: 0..65535)");
            }
            ports.put(servicePort, endpointPort);
            return this;
        }

        /** The workload's labels; {@code null} is none. */
        public Builder labels(Map<String, String> labels) {
            this.labels = labels == null ? Map.of() : labels;
            return this;
        }

        /** The load balancing weight; {@code null} or {@code 0} is the default, 1. */
        public Builder weight(Integer weight) {
            if (weight != null && weight < 0) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: 0 or more)");
            }
            this.weight = weight == null || weight == 0 ? 1 : weight;
            return this;
        }

        /** The network; {@code null} is none. */
        public Builder network(String network) {
            this.network = network == null ? "" : network;
            return this;
        }

        /** The locality, {@code region/zone/subzone}; {@code null} is none. */
        public Builder locality(String locality) {
            this.locality = locality == null ? "" : locality;
            return this;
        }

        /** The service account; {@code null} is none. */
        public Builder serviceAccount(String serviceAccount) {
            this.serviceAccount = serviceAccount == null ? "" : serviceAccount;
            return this;
        }

        /** The endpoint. */
        public Endpoint build() {
            return new Endpoint(this);
        }
    }
}
