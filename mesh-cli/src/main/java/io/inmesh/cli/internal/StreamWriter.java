package io.inmesh.cli.internal;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Objects;

/**
 * A {@link Writer} that hands characters to a {@link PrintStream}, so that text is encoded with the
 * stream's own charset (a plain {@code new PrintWriter(stream)} would use the platform default,
 * which on Java 17 under a POSIX locale is ASCII).
 */
public final class StreamWriter extends Writer {

    private final PrintStream stream;

    private StreamWriter(PrintStream stream) {
        this.stream = Objects.requireNonNull(stream, "stream");
    }

    /** An auto-flushing {@link PrintWriter} over {@code stream}. */
    public static PrintWriter over(PrintStream stream) {
        return new PrintWriter(new StreamWriter(stream), true);
    }

    @Override
    public void write(char[] buffer, int offset, int length) {
        stream.append(new String(buffer, offset, length));
    }

    @Override
    public void write(String text, int offset, int length) {
        stream.append(text, offset, offset + length);
    }

    @Override
    public void flush() {
        stream.flush();
    }

    /** Flushes; the stream itself stays open, as it belongs to the caller. */
    @Override
    public void close() {
        stream.flush();
    }
}
