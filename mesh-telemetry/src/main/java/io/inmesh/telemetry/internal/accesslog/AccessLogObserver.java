package io.inmesh.telemetry.internal.accesslog;

import io.inmesh.telemetry.AccessLog;
import io.inmesh.telemetry.internal.CallObserver;
import io.inmesh.telemetry.internal.CompletedCall;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * Writes one access-log line per call that ends, on each side, as {@link AccessLog} says: text or
 * JSON, every call or a random share, to standard output (through {@link QueuedLineWriter}, so that
 * a slow output drops lines rather than blocking an event loop) or to the application's sink,
 * called directly on the thread that ended the call.
 */
public final class AccessLogObserver implements CallObserver {

    private final AccessLogFormat format;
    private final double sampleRatio;
    private final DoubleSupplier random;
    private final Consumer<String> sink;

    AccessLogObserver(AccessLog settings, DoubleSupplier random, Consumer<String> sink) {
        this.format = switch (settings.format()) {
            case TEXT -> AccessLogFormat.TEXT;
            case JSON -> AccessLogFormat.JSON;
            case OFF -> throw new IllegalArgumentException("access log " + settings + " (expected text or json)");
        };
        this.sampleRatio = settings.sampleRatio();
        this.random = Objects.requireNonNull(random, "random");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** The observer for {@code settings}; none when they turn access logs off. */
    public static Optional<AccessLogObserver> of(AccessLog settings) {
        if (settings.format() == AccessLog.Format.OFF) {
            return Optional.empty();
        }
        Consumer<String> sink = settings.sink() != null ? settings.sink() : QueuedLineWriter.stdout();
        return Optional.of(new AccessLogObserver(settings, () -> ThreadLocalRandom.current().nextDouble(), sink));
    }

    /** Lines for standard output dropped so far in this JVM because it did not keep up; for the mesh's own metrics. */
    public static long droppedStdoutLines() {
        return QueuedLineWriter.stdoutDropped();
    }

    @Override
    public void onEnd(CompletedCall call) {
        if (sampleRatio < 1 && random.getAsDouble() >= sampleRatio) {
            return;
        }
        sink.accept(format.line(AccessLogEntry.of(call)));
    }
}
