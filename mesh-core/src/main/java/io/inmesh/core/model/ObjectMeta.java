package io.inmesh.core.model;

import java.util.Map;
import java.util.Objects;

/**
 * The Kubernetes metadata of a resource that matters to the mesh.
 *
 * @param name the resource's name
 * @param namespace the resource's namespace; {@code default} when the document names none
 * @param labels the resource's labels
 * @param annotations the resource's annotations
 */
public record ObjectMeta(String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {

    /** The namespace of a document that names none, as with {@code kubectl apply} without {@code -n}. */
    public static final String DEFAULT_NAMESPACE = "default";

    public ObjectMeta {
        Objects.requireNonNull(name, "name");
        namespace = namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** Metadata with only a name and a namespace. */
    public static ObjectMeta of(String namespace, String name) {
        return new ObjectMeta(name, namespace, Map.of(), Map.of());
    }
}
