package io.inmesh.core.model;

/**
 * A Kubernetes Gateway API style reference to the object a policy attaches to.
 *
 * @param group the API group
 * @param kind the kind
 * @param name the name
 * @param namespace the namespace
 */
public record PolicyTargetReference(
        String group,
        String kind,
        String name,
        String namespace) {
}
