package io.inmesh.benchmarks.controlplane;

import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.config.SourceDocument;
import io.inmesh.core.source.ControlPlaneConfigSource;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import reactor.core.Disposable;

/**
 * Simulated workloads that are each a real {@link ControlPlaneConfigSource}, acknowledging what it
 * emits as a mesh would: an ACK for valid rules, a NACK with the errors otherwise
 * ({@link ControlPlaneConfigSource#outcome}). A workload has received an edit when the source emitted
 * it: after reading and validating every document, as a mesh's source does.
 */
final class SourceWorkloads extends SimulatedWorkloads {

    private final List<ControlPlaneConfigSource> sources = new ArrayList<>();
    private final List<Disposable> subscriptions = new ArrayList<>();

    private SourceWorkloads(int count, int edits) {
        super(count, edits);
    }

    /**
     * Connects {@code count} workloads to {@code controlPlane}; returns at once (they connect in the background).
     *
     * @param edits the highest edit number whose receipt is recorded
     */
    static SourceWorkloads connect(URI controlPlane, int count, int teamNamespaces, int edits) {
        SourceWorkloads workloads = new SourceWorkloads(count, edits);
        for (int i = 0; i < count; i++) {
            workloads.add(i, controlPlane, teamNamespaces);
        }
        return workloads;
    }

    private void add(int index, URI controlPlane, int teamNamespaces) {
        ControlPlaneConfigSource source = ControlPlaneConfigSource.connect(List.of(controlPlane), workload(index, teamNamespaces),
                ControlPlaneConfigSource.Options.defaults().instance(instance(index)));
        sources.add(source);
        // Delivered on boundedElastic, one at a time per source, as a mesh receives them.
        subscriptions.add(source.updates().subscribe(result -> {
            editOf(result).ifPresent(edit -> received(index, edit));
            if (!result.isValid()) {
                nacked();
            }
            source.outcome(result, result.isValid(), result.diagnostics());
        }));
    }

    private static OptionalInt editOf(MeshConfig.LoadResult result) {
        if (!result.isValid()) {
            return OptionalInt.empty();
        }
        for (SourceDocument document : result.config().sourceDocuments().orElse(List.of())) {
            if (document.name().equals(RuleSet.EDITED_FILE)) {
                return RuleSet.editOf(document.text());
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public void close() {
        subscriptions.forEach(Disposable::dispose);
        sources.forEach(ControlPlaneConfigSource::close);
    }
}
