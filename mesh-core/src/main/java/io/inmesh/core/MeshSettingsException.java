package io.inmesh.core;

import io.inmesh.core.config.Diagnostic;
import java.util.List;
import java.util.Objects;

/**
 * Mesh settings that cannot be used: a {@code mesh.yaml} with unknown fields or values of the wrong
 * type, a missing workload name, an environment variable that does not parse. Carries every
 * problem found, not just the first; its message is one {@link Diagnostic#format()} line per problem,
 * such as
 * {@code mesh.yaml:3:5: error: workload.nmae: unknown field (expected one of: name, namespace, serviceAccount, labels)}.
 */
public final class MeshSettingsException extends RuntimeException {

    private final List<Diagnostic> diagnostics;

    /** @param diagnostics the problems, at least one */
    public MeshSettingsException(List<Diagnostic> diagnostics) {
        super(message(diagnostics));
        this.diagnostics = List.copyOf(diagnostics);
    }

    private static String message(List<Diagnostic> diagnostics) {
        Objects.requireNonNull(diagnostics, "diagnostics");
        if (diagnostics.isEmpty()) {
            throw new IllegalArgumentException("diagnostics: [] (expected at least one problem)");
        }
        return String.join("\n", diagnostics.stream().map(Diagnostic::format).toList());
    }

    /** Every problem found, in source order. */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
