package io.inmesh.routing.internal;

import java.util.List;
import java.util.Set;

/**
 * Istio's {@code exportTo}: which namespaces see a resource. Empty or {@code *} is every namespace,
 * {@code .} the resource's own, {@code ~} none, anything else a namespace by name.
 */
public final class Visibility {

    private static final Visibility EVERYWHERE = new Visibility(true, Set.of());

    private final boolean everywhere;
    private final Set<String> namespaces;

    private Visibility(boolean everywhere, Set<String> namespaces) {
        this.everywhere = everywhere;
        this.namespaces = namespaces;
    }

    public static Visibility of(List<String> exportTo, String ownNamespace) {
        if (exportTo.isEmpty() || exportTo.contains("*")) {
            return EVERYWHERE;
        }
        Set<String> namespaces = new java.util.HashSet<>();
        for (String entry : exportTo) {
            if (entry.equals(".")) {
                namespaces.add(ownNamespace);
            } else if (!entry.equals("~")) {
                namespaces.add(entry);
            }
        }
        return new Visibility(false, Set.copyOf(namespaces));
    }

    public boolean visibleTo(String namespace) {
        return everywhere || namespaces.contains(namespace);
    }
}
