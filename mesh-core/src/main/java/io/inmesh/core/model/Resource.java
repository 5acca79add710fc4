package io.inmesh.core.model;

import io.inmesh.core.config.SourceLocation;
import java.util.Map;
import java.util.Objects;

/**
 * One Istio resource as read from YAML: its kind, metadata and typed spec, and where each of its
 * fields was written.
 *
 * <p>Lists and maps in a spec read from YAML are never {@code null}: an absent one is empty. Scalars
 * and nested messages that were not written are {@code null}.
 *
 * @param <S> the spec's record type, such as {@link VirtualService}
 * @param kind the resource's kind
 * @param apiVersion the {@code apiVersion} as written
 * @param metadata name, namespace, labels and annotations
 * @param spec the typed spec
 * @param location where the document starts
 * @param fieldLocations where each field was written, by path such as {@code spec.http[0].route}
 */
public record Resource<S extends Record>(
        ResourceKind kind,
        String apiVersion,
        ObjectMeta metadata,
        S spec,
        SourceLocation location,
        Map<String, SourceLocation> fieldLocations) {

    public Resource {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(location, "location");
        if (!kind.specType().isInstance(spec)) {
            throw new IllegalArgumentException(
                    kind.kindName() + " needs a " + kind.specType().getSimpleName() + " spec, got " + spec.getClass().getName());
        }
        fieldLocations = fieldLocations == null ? Map.of() : Map.copyOf(fieldLocations);
    }

    /** A resource built in code rather than read from a file. */
    public static <S extends Record> Resource<S> of(ResourceKind kind, ObjectMeta metadata, S spec) {
        String apiVersion = kind.group().apiVersions().get(0);
        return new Resource<>(kind, apiVersion, metadata, spec, SourceLocation.of("<code>"), Map.of());
    }

    /** {@code Kind/namespace/name}, the form diagnostics and explanations use. */
    public String key() {
        return kind.kindName() + "/" + metadata.namespace() + "/" + metadata.name();
    }

    public String name() {
        return metadata.name();
    }

    public String namespace() {
        return metadata.namespace();
    }

    /**
     * Where the field at {@code path} (such as {@code spec.http[0].route[1].weight}) was written; when
     * that field was not written, where its nearest written parent was.
     */
    public SourceLocation locationOf(String path) {
        String current = path;
        while (current != null && !current.isEmpty()) {
            SourceLocation found = fieldLocations.get(current);
            if (found != null) {
                return found;
            }
            current = parentPath(current);
        }
        return location;
    }

    private static String parentPath(String path) {
        // A map key in brackets may itself hold dots (labels such as app.kubernetes.io/name).
        int cut = path.endsWith("]") ? path.lastIndexOf('[') : path.lastIndexOf('.');
        return cut <= 0 ? null : path.substring(0, cut);
    }

    /** The spec as the given type; fails when the resource is of another kind. */
    public <T extends Record> T spec(Class<T> type) {
        return type.cast(spec);
    }

    @Override
    public String toString() {
        return key();
    }
}
