package io.inmesh.telemetry.internal.accesslog;

import java.io.PrintStream;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Writes lines, each with a newline, to a stream that may block (standard output piped to a slow reader) without ever
 * blocking the thread that logs: {@link #accept} puts the line on a bounded queue, or drops and counts
 * it when the queue is full; one daemon thread takes lines off the queue and writes them.
 *
 * <p>{@link #accept} takes no lock (an event loop must not park): a lock-free queue, an atomic count
 * that bounds it, and {@link LockSupport#unpark} to wake the writer.
 */
final class QueuedLineWriter implements Consumer<String> {

    private static final System.Logger LOG = System.getLogger(QueuedLineWriter.class.getName());

    /** Lines waiting at most; about 3 MiB of text lines. */
    static final int DEFAULT_CAPACITY = 10_000;

    private static volatile QueuedLineWriter stdout;

    private final PrintStream out;
    private final int capacity;
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Thread writer;
    private volatile boolean idle;

    QueuedLineWriter(PrintStream out, int capacity, String threadName) {
        this.out = Objects.requireNonNull(out, "out");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " (expected at least 1)");
        }
        this.capacity = capacity;
        this.writer = new Thread(this::drain, threadName);
        writer.setDaemon(true);
        writer.start();
    }

    /** The one writer to standard output of this JVM, started on first use. */
    static QueuedLineWriter stdout() {
        QueuedLineWriter shared = stdout;
        if (shared == null) {
            synchronized (QueuedLineWriter.class) { // once per JVM, when telemetry is built, not on the data path
                shared = stdout;
                if (shared == null) {
                    shared = new QueuedLineWriter(System.out, DEFAULT_CAPACITY, "inmesh-access-log");
                    stdout = shared;
                }
            }
        }
        return shared;
    }

    /** Queues {@code line}, or drops it when {@link #capacity} lines are waiting already; never blocks. */
    @Override
    public void accept(String line) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        lines.add(line);
        if (idle) {
            LockSupport.unpark(writer);
        }
    }

    /** Lines the standard-output writer dropped; 0 when it never started. */
    static long stdoutDropped() {
        QueuedLineWriter shared = stdout;
        return shared == null ? 0 : shared.dropped();
    }

    /** Lines dropped because the queue was full. */
    long dropped() {
        return dropped.get();
    }

    /** Lines written to the stream. */
    long written() {
        return written.get();
    }

    private void drain() {
        long droppedReported = 0;
        while (true) {
            String line = lines.poll();
            if (line == null) {
                out.flush();
                long droppedNow = dropped.get();
                if (droppedNow > droppedReported) { // reported from here, not from the thread that dropped
                    LOG.log(System.Logger.Level.WARNING, "access log: " + (droppedNow - droppedReported)
                            + " lines dropped, the output did not keep up (" + droppedNow + " in all)");
                    droppedReported = droppedNow;
                }
                idle = true;
                if (lines.isEmpty()) { // a line added before idle was set found no one to wake
                    LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
                }
                idle = false;
                continue;
            }
            queued.decrementAndGet();
            try {
                out.print(line);
                out.print('\n');
                written.incrementAndGet();
            } catch (RuntimeException e) { // a PrintStream does not throw, but the thread must outlive one that does
                failures.incrementAndGet();
            }
        }
    }
}
