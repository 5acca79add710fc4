package io.inmesh.routing.internal;

import io.inmesh.core.http.AttributeKey;

/** The attributes the routing steps leave for each other; applications see the public ones in {@code RoutingAttributes}. */
public final class RoutingKeys {

    /** The cluster of the chosen destination, set by the route step (and the mirror step for a copy). */
    public static final AttributeKey<ResolvedCluster> CLUSTER = AttributeKey.of("inmesh-cluster", ResolvedCluster.class);

    /** The call's tries, set by the retry step. */
    public static final AttributeKey<AttemptContext> ATTEMPT = AttributeKey.of("inmesh-attempt", AttemptContext.class);

    /** The request body kept for replay by retries and mirrors. */
    public static final AttributeKey<ReplayableBody> BODY = AttributeKey.of("inmesh-replayable-body", ReplayableBody.class);

    /** Marks a mirrored copy: it is neither retried nor mirrored again. */
    public static final AttributeKey<Boolean> MIRRORED = AttributeKey.of("inmesh-mirrored", Boolean.class);

    /** Whether the call's route timeout has passed, set by the timeout step when the route has one. */
    static final AttributeKey<CallDeadline.Expiry> ROUTE_TIMEOUT = AttributeKey.of("inmesh-route-timeout", CallDeadline.Expiry.class);

    private RoutingKeys() {
    }
}
