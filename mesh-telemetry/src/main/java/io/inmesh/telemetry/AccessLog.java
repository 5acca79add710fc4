package io.inmesh.telemetry;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Whether and how each call is logged: one line per request on each side, with the fields of
 * Istio's default access-log format (Envoy's, with response flags, upstream host, duration and
 * bytes), as text or as one JSON object per line, for every call or a sample of them.
 *
 * <p>Immutable; start from {@link #off()}, {@link #text()} or {@link #json()}.
 */
public final class AccessLog {

    /** How a line is written. */
    public enum Format {
        /** No access log. */
        OFF,
        /** Istio's default text format. */
        TEXT,
        /** The same fields as one JSON object per line, as Istio's {@code accessLogEncoding: JSON}. */
        JSON
    }

    private static final AccessLog OFF = new AccessLog(Format.OFF, 1.0, null);

    private final Format format;
    private final double sampleRatio;
    private final Consumer<String> sink;

    private AccessLog(Format format, double sampleRatio, Consumer<String> sink) {
        this.format = format;
        this.sampleRatio = sampleRatio;
        this.sink = sink;
    }

    /** No access log; the default. */
    public static AccessLog off() {
        return OFF;
    }

    /** Every call in Istio's default text format, to standard output as a sidecar writes it. */
    public static AccessLog text() {
        return new AccessLog(Format.TEXT, 1.0, null);
    }

    /** Every call as one JSON object per line, to standard output. */
    public static AccessLog json() {
        return new AccessLog(Format.JSON, 1.0, null);
    }

    /**
     * Logs a random share of the calls.
     *
     * @param ratio the share, more than 0 and at most 1
     */
    public AccessLog sampled(double ratio) {
        if (!(ratio > 0 && ratio <= 1)) {
            throw new IllegalArgumentException("sample ratio " + ratio + " (expected more than 0 and at most 1)");
        }
        return new AccessLog(format, ratio, sink);
    }

    /**
     * Hands each line, without its newline, to {@code sink} instead of standard output. The sink is
     * called on the thread that ended the call, often an event loop: it must be quick and must not block.
     */
    public AccessLog to(Consumer<String> sink) {
        return new AccessLog(format, sampleRatio, Objects.requireNonNull(sink, "sink"));
    }

    public Format format() {
        return format;
    }

    /** The share of calls logged, 1 for all. */
    public double sampleRatio() {
        return sampleRatio;
    }

    /** Where lines go; {@code null} for standard output. */
    public Consumer<String> sink() {
        return sink;
    }

    @Override
    public String toString() {
        return "AccessLog[" + format + (sampleRatio < 1 ? ", sampled " + sampleRatio : "") + (sink == null ? "" : ", custom sink") + "]";
    }
}
