package io.inmesh.benchmarks.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The open-loop, constant-rate load generator: one thread sends each request at its due time
 * ({@link Schedule}) whether or not earlier ones have been answered, over a fixed pool of 16
 * keep-alive connections (a request waits for a free connection in the pool, and that wait counts);
 * each latency, from the due time to the end of the response body, goes into the HdrHistogram of
 * the window its due time falls in. It runs in the harness's JVM, pinned to CPU 0 by the launcher.
 */
final class LoadGenerator implements AutoCloseable {

    /** Keep-alive connections to the system under test, in every setup. */
    static final int CONNECTIONS = 16;

    private final ConnectionProvider pool = ConnectionProvider.builder("load").maxConnections(CONNECTIONS)
            .pendingAcquireMaxCount(-1).pendingAcquireTimeout(Duration.ofMinutes(2)).build();

    /** What one run measured: a latency histogram (ns) and the SUT's CPU time per window. */
    record Run(List<Histogram> windows, long[] cpuNanosAtBoundaries, long requestsPerWindow, long errors,
               Histogram sendLag, boolean aborted, long unanswered) {

        /** CPU time of the systems under test per scheduled request in window {@code w}, in µs. */
        double cpuMicrosPerRequest(int w) {
            return (cpuNanosAtBoundaries[w + 1] - cpuNanosAtBoundaries[w]) / 1e3 / requestsPerWindow;
        }
    }

    /**
     * Sends {@code rate} requests a second to {@code 127.0.0.1:port} for {@code windows} windows of
     * {@code window} each, then waits up to 30 s for the answers. {@code cpuNanos} is read at each
     * window boundary. The run stops sending early (and is marked aborted) when more than
     * {@code maxOutstanding} requests are unanswered: the system is past saturation, and the queue
     * would only grow.
     */
    Run run(int port, int rate, Duration window, int windows, LongSupplier cpuNanos, long maxOutstanding) {
        HttpClient client = HttpClient.create(pool).host("127.0.0.1").port(port)
                .headers(headers -> headers.set("end-user", "jason"));
        Schedule schedule = new Schedule(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5), rate);
        long perWindow = schedule.count(window.toNanos());
        long total = perWindow * windows;
        Recorder[] recorders = new Recorder[windows];
        for (int w = 0; w < windows; w++) {
            recorders[w] = new Recorder(3);
        }
        long[] cpu = new long[windows + 1];
        AtomicLong outstanding = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Histogram lag = new Histogram(3);
        boolean aborted = false;
        for (long i = 0; i < total; i++) {
            long due = schedule.dueAt(i);
            waitUntil(due);
            lag.recordValue(Math.max(0, System.nanoTime() - due));
            if (i % perWindow == 0) {
                cpu[(int) (i / perWindow)] = cpuNanos.getAsLong();
            }
            if (outstanding.get() > maxOutstanding) {
                aborted = true;
                break;
            }
            outstanding.incrementAndGet();
            long index = i;
            Recorder recorder = recorders[(int) (i / perWindow)];
            client.get().uri("/reviews/0")
                    .response((response, body) -> body.then(Mono.just(response.status().code())))
                    .subscribe(status -> {
                        recorder.recordValue(Math.max(0, schedule.latency(index, System.nanoTime())));
                        if (status != 200) {
                            errors.incrementAndGet();
                        }
                    }, error -> {
                        errors.incrementAndGet();
                        outstanding.decrementAndGet();
                    }, outstanding::decrementAndGet);
        }
        if (!aborted) {
            waitUntil(schedule.dueAt(total));
            cpu[windows] = cpuNanos.getAsLong();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        List<Histogram> histograms = new ArrayList<>();
        for (Recorder recorder : recorders) {
            histograms.add(recorder.getIntervalHistogram());
        }
        return new Run(histograms, cpu, perWindow, errors.get(), lag, aborted, outstanding.get());
    }

    private static void waitUntil(long due) {
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    @Override
    public void close() {
        pool.disposeLater().block(Duration.ofSeconds(10));
    }
}
