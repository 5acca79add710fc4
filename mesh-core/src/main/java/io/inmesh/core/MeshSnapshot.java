package io.inmesh.core;

import io.inmesh.core.config.MeshConfig;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one request is evaluated against: a validated configuration and what the extensions
 * compiled from it (route table, service registry, …). Immutable; a new configuration makes a new
 * snapshot, built off the request path and swapped in atomically. A request reads the current
 * snapshot once, when it enters the mesh, and keeps it to the end.
 */
public final class MeshSnapshot {

    private final long version;
    private final MeshConfig config;
    private final Map<Class<?>, Object> parts;
    private final Instant createdAt;

    /**
     * @param version a number that grows with each snapshot of one mesh
     * @param config the validated configuration
     * @param parts compiled parts by their type
     * @param createdAt when it was built
     */
    public MeshSnapshot(long version, MeshConfig config, Map<Class<?>, Object> parts, Instant createdAt) {
        this.version = version;
        this.config = Objects.requireNonNull(config, "config");
        this.parts = Map.copyOf(parts);
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        for (Map.Entry<Class<?>, Object> part : this.parts.entrySet()) {
            if (!part.getKey().isInstance(part.getValue())) {
                throw new IllegalArgumentException("part " + part.getValue() + " is not a " + part.getKey().getName());
            }
        }
    }

    public long version() {
        return version;
    }

    public MeshConfig config() {
        return config;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The compiled part of {@code type}; fails naming the type when no extension compiled one. */
    public <T> T require(Class<T> type) {
        Object part = parts.get(type);
        if (part == null) {
            throw new IllegalStateException("no " + type.getSimpleName() + " in the snapshot: is the module that compiles it on the class path?");
        }
        return type.cast(part);
    }

    /** The compiled part of {@code type}, or {@code null}. */
    public <T> T find(Class<T> type) {
        Object part = parts.get(type);
        return part == null ? null : type.cast(part);
    }

    @Override
    public String toString() {
        return "MeshSnapshot{version=" + version + ", resources=" + config.resources().size() + "}";
    }
}
