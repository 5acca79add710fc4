package io.inmesh.controlplane;

import io.inmesh.core.config.Diagnostic;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A change of the rules directory that was not published: the previous version stays in force.
 *
 * @param reason why it was refused
 * @param at when it was refused
 * @param hash the content hash of the refused documents, as {@link PublishedRules#hashOf} computes it,
 *     so that status can tell which edit was refused and whether it is still on disk
 * @param diagnostics what is wrong, in source order; every error of an {@link Reason#INVALID} set,
 *     its warnings too; one error naming the removed resources for {@link Reason#REMOVES_ALL_ROUTES}
 * @param keptVersion the version still published, or 0 when none was published yet
 */
public record Refusal(Reason reason, Instant at, String hash, List<Diagnostic> diagnostics, long keptVersion) {

    /** Why a change was refused. */
    public enum Reason {
        /** The rules do not read or do not validate, as {@code mesh validate} would report them. */
        INVALID,
        /**
         * The rules are valid but leave no VirtualService, DestinationRule or ServiceEntry where the
         * published version had some; published only when the repository allows it.
         */
        REMOVES_ALL_ROUTES
    }

    public Refusal {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(hash, "hash");
        diagnostics = List.copyOf(diagnostics);
    }

    /** How many of the diagnostics are errors. */
    public long errorCount() {
        return diagnostics.stream().filter(Diagnostic::isError).count();
    }
}
