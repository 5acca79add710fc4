package io.inmesh.core.internal.yaml;

import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.Severity;
import io.inmesh.core.config.SourceLocation;
import java.util.ArrayList;
import java.util.List;

/** Collects diagnostics in the order they are found. Not thread-safe: one per read. */
public final class DiagnosticCollector {

    private final List<Diagnostic> diagnostics = new ArrayList<>();

    public void error(SourceLocation at, String resource, String field, String message) {
        diagnostics.add(new Diagnostic(Severity.ERROR, at, resource, field, message));
    }

    public void warning(SourceLocation at, String resource, String field, String message) {
        diagnostics.add(new Diagnostic(Severity.WARNING, at, resource, field, message));
    }

    public void add(Diagnostic diagnostic) {
        diagnostics.add(diagnostic);
    }

    public int errorCount() {
        return (int) diagnostics.stream().filter(Diagnostic::isError).count();
    }

    public List<Diagnostic> list() {
        return List.copyOf(diagnostics);
    }
}
