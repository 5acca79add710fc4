package io.inmesh.core.http;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A request the mesh could not carry out, as a reactive caller receives it: the HTTP status a
 * plain HTTP client would have got, Envoy's response flag, and a reason that names the host and
 * subset. Cheap to create: it records no stack trace, since the reason says everything.
 */
public class MeshException extends RuntimeException implements Cloneable {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final ResponseFlag flag;
    private Set<ResponseFlag> flags;

    public MeshException(int status, ResponseFlag flag, String reason) {
        this(status, flag, reason, null);
    }

    public MeshException(int status, ResponseFlag flag, String reason, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason"), cause, false, false);
        this.status = status;
        this.flag = Objects.requireNonNull(flag, "flag");
        this.flags = Set.of(flag);
    }

    /** The HTTP status the mesh answers with: 404, 502, 503 or 504 (or an injected fault's status). */
    public int status() {
        return status;
    }

    public ResponseFlag flag() {
        return flag;
    }

    /**
     * Every flag of this failure: {@link #flag()} first, then those the mesh added on the way back, as
     * Envoy logs {@code UF,URX} for a connect failure whose retries ran out.
     */
    public Set<ResponseFlag> flags() {
        return flags;
    }

    /**
     * This failure with one more flag (such as {@code URX} once retries are exhausted): the same type,
     * status, reason and cause; {@link #flag()} stays the one that decided the status.
     */
    public MeshException withFlag(ResponseFlag more) {
        Objects.requireNonNull(more, "more");
        if (flags.contains(more)) {
            return this;
        }
        MeshException copy;
        try {
            copy = (MeshException) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
        Set<ResponseFlag> all = new LinkedHashSet<>(flags);
        all.add(more);
        copy.flags = Collections.unmodifiableSet(all);
        return copy;
    }

    /** What happened, naming the host and subset: {@code no healthy upstream for reviews.bookinfo.svc.cluster.local subset v2}. */
    public String reason() {
        return getMessage();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + ": " + status + " " + String.join(",", flags.stream().map(Enum::name).toList())
                + ": " + getMessage();
    }

    /** No route of the VirtualServices for the host matched the request (404, {@code NR}). */
    public static final class NoRoute extends MeshException {
        private static final long serialVersionUID = 1L;

        public NoRoute(String reason) {
            super(404, ResponseFlag.NR, reason);
        }
    }

    /** The outbound traffic policy is REGISTRY_ONLY and the host is not in the registry (502, {@code NR}). */
    public static final class EgressBlocked extends MeshException {
        private static final long serialVersionUID = 1L;

        public EgressBlocked(String reason) {
            super(502, ResponseFlag.NR, reason);
        }
    }

    /** The destination has no endpoint to send to (503, {@code UH}). */
    public static final class NoHealthyUpstream extends MeshException {
        private static final long serialVersionUID = 1L;

        public NoHealthyUpstream(String reason) {
            super(503, ResponseFlag.UH, reason);
        }
    }

    /** Connecting to the chosen endpoint failed (503, {@code UF}). */
    public static final class UpstreamConnectFailure extends MeshException {
        private static final long serialVersionUID = 1L;

        public UpstreamConnectFailure(String reason, Throwable cause) {
            super(503, ResponseFlag.UF, reason, cause);
        }
    }

    /** The upstream closed or reset the connection before a response (503, {@code UC}). */
    public static final class UpstreamReset extends MeshException {
        private static final long serialVersionUID = 1L;

        public UpstreamReset(String reason, Throwable cause) {
            super(503, ResponseFlag.UC, reason, cause);
        }
    }

    /** The upstream did not answer within the route's timeout or a try's timeout (504, {@code UT}). */
    public static final class UpstreamTimeout extends MeshException {
        private static final long serialVersionUID = 1L;

        public UpstreamTimeout(String reason) {
            super(504, ResponseFlag.UT, reason);
        }
    }

    /** A connection-pool limit of the destination refused the request without queueing it (503, {@code UO}). */
    public static final class UpstreamOverflow extends MeshException {
        private static final long serialVersionUID = 1L;

        public UpstreamOverflow(String reason) {
            super(503, ResponseFlag.UO, reason);
        }
    }
}
