package io.inmesh.core.config;

/** How serious a {@link Diagnostic} is. */
public enum Severity {
    /** The resource set is rejected; the last good configuration stays in force. */
    ERROR,
    /** The resource set is accepted; something in it is ignored or probably not what was meant. */
    WARNING;

    /** The lower-case word used in formatted diagnostics: {@code error} or {@code warning}. */
    public String label() {
        return this == ERROR ? "error" : "warning";
    }
}
