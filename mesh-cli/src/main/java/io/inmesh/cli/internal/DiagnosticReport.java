package io.inmesh.cli.internal;

import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import java.io.PrintWriter;

/**
 * Prints what loading a configuration found, as {@code mesh validate} does: one
 * {@link Diagnostic#format() line per diagnostic}, then {@code N resources, E errors, W warnings}.
 */
public final class DiagnosticReport {

    private DiagnosticReport() {
    }

    /** Every diagnostic of {@code result}, then the summary line. */
    public static void print(MeshConfig.LoadResult result, PrintWriter out) {
        printDiagnostics(result, out);
        out.println(summary(result));
    }

    /** Every diagnostic of {@code result}, one a line, without the summary. */
    public static void printDiagnostics(MeshConfig.LoadResult result, PrintWriter out) {
        for (Diagnostic diagnostic : result.diagnostics()) {
            out.println(diagnostic.format());
        }
    }

    /** {@code N resources, E errors, W warnings}. */
    public static String summary(MeshConfig.LoadResult result) {
        return result.resourceCount() + " resources, " + result.errorCount() + " errors, " + result.warningCount() + " warnings";
    }
}
