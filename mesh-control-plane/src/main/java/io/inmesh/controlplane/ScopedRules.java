package io.inmesh.controlplane;

import io.inmesh.core.LocalWorkload;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The part of a published version that concerns one workload: what the control plane sends it.
 *
 * @param version the published version it is part of
 * @param hash the content hash of the whole published version (not of this part), which the workload
 *     echoes in its ACK or NACK
 * @param publishedAt when that version was published
 * @param workload who it is for
 * @param documents the documents that concern the workload, in the published order
 */
public record ScopedRules(long version, String hash, Instant publishedAt, LocalWorkload workload, List<RuleDocument> documents) {

    public ScopedRules {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(publishedAt, "publishedAt");
        Objects.requireNonNull(workload, "workload");
        documents = List.copyOf(documents);
    }
}
