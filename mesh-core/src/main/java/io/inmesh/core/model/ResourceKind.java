package io.inmesh.core.model;

import java.util.List;
import java.util.Optional;

/**
 * The Istio resource kinds inmesh reads, with their API group, accepted versions and spec type.
 */
public enum ResourceKind {
    VIRTUAL_SERVICE("VirtualService", Group.NETWORKING, VirtualService.class),
    DESTINATION_RULE("DestinationRule", Group.NETWORKING, DestinationRule.class),
    SERVICE_ENTRY("ServiceEntry", Group.NETWORKING, ServiceEntry.class),
    WORKLOAD_ENTRY("WorkloadEntry", Group.NETWORKING, WorkloadEntry.class),
    SIDECAR("Sidecar", Group.NETWORKING, Sidecar.class),
    GATEWAY("Gateway", Group.NETWORKING, Gateway.class),
    PEER_AUTHENTICATION("PeerAuthentication", Group.SECURITY, PeerAuthentication.class),
    AUTHORIZATION_POLICY("AuthorizationPolicy", Group.SECURITY, AuthorizationPolicy.class),
    REQUEST_AUTHENTICATION("RequestAuthentication", Group.SECURITY, RequestAuthentication.class);

    /** An Istio API group with the versions inmesh accepts for it. */
    public enum Group {
        NETWORKING("networking.istio.io", List.of("v1", "v1beta1", "v1alpha3")),
        SECURITY("security.istio.io", List.of("v1", "v1beta1"));

        private final String name;
        private final List<String> versions;

        Group(String name, List<String> versions) {
            this.name = name;
            this.versions = versions;
        }

        /** The group's name, such as {@code networking.istio.io}. */
        public String groupName() {
            return name;
        }

        /** The accepted versions, newest first. */
        public List<String> versions() {
            return versions;
        }

        /** The accepted {@code apiVersion} values, such as {@code networking.istio.io/v1}. */
        public List<String> apiVersions() {
            return versions.stream().map(v -> name + "/" + v).toList();
        }
    }

    private final String kindName;
    private final Group group;
    private final Class<? extends Record> specType;

    ResourceKind(String kindName, Group group, Class<? extends Record> specType) {
        this.kindName = kindName;
        this.group = group;
        this.specType = specType;
    }

    /** The {@code kind} as written in YAML, such as {@code VirtualService}. */
    public String kindName() {
        return kindName;
    }

    public Group group() {
        return group;
    }

    /** The record type of the resource's {@code spec}. */
    public Class<? extends Record> specType() {
        return specType;
    }

    /** Whether {@code apiVersion} is one inmesh reads for this kind. */
    public boolean accepts(String apiVersion) {
        return group.apiVersions().contains(apiVersion);
    }

    /** The supported kind with this YAML name, if any. */
    public static Optional<ResourceKind> byName(String kindName) {
        for (ResourceKind kind : values()) {
            if (kind.kindName.equals(kindName)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
