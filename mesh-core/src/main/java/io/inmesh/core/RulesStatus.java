package io.inmesh.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Which rules a {@link Mesh} is running and how old they are, at one instant: {@link Mesh#rulesStatus()}.
 *
 * <p><b>Staleness</b> is how long it has been since the mesh last had word that its rules are
 * current:
 * <ul>
 * <li>{@link Origin#SOURCE}: since the config source last delivered a valid configuration, or
 *     delivered again the configuration in force (which a source may do to confirm it). A refused
 *     configuration does not count: the rules in force are then older than what the source wants.
 *     A {@link io.inmesh.core.source.FileConfigSource} delivers only when the files change, so for
 *     it staleness is the time since they last changed in a valid way. A
 *     {@link io.inmesh.core.source.ControlPlaneConfigSource} knows more: while its stream is open
 *     the control plane would push any newer version at once, so staleness stays 0; once the
 *     stream is lost it counts from that moment, until the control plane answers again.</li>
 * <li>{@link Origin#RESTORED}: since the source delivered those rules before they were kept on disk
 *     ({@link #takenAt()}), downtime included.</li>
 * <li>{@link Origin#NONE}: since the mesh was built, which has had no rules all along.</li>
 * </ul>
 *
 * @param origin where the rules in force came from
 * @param version the rules' version: the control plane's {@code <version>:<hash>} for rules it
 *     served, else {@code sha256:} and 16 hex digits of the documents' content; {@code null} for
 *     {@link Origin#NONE}
 * @param takenAt when the source delivered the rules in force; for {@link Origin#NONE}, when the mesh was built
 * @param confirmedAt when the mesh last had word that they are current (see above)
 * @param staleness how long ago {@code confirmedAt} was, at the instant of this status; never negative
 */
public record RulesStatus(Origin origin, String version, Instant takenAt, Instant confirmedAt, Duration staleness) {

    /** Where the rules in force came from. */
    public enum Origin {
        /** No rules yet: every host takes its default route. */
        NONE,
        /** Delivered by the mesh's config source while it runs. */
        SOURCE,
        /** Read back from the last good rules kept on disk at start-up; the source has not delivered since. */
        RESTORED
    }

    public RulesStatus {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(confirmedAt, "confirmedAt");
        Objects.requireNonNull(staleness, "staleness");
    }
}
