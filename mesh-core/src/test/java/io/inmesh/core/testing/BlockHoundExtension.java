package io.inmesh.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * Installs BlockHound once per JVM, so that a blocking call on an event-loop (or any Reactor
 * non-blocking) thread fails, and fails the test in which one happened.
 *
 * <p>BlockHound throws {@link BlockingOperationError} where the call is made. That error can end up
 * swallowed (logged by Netty, turned into a closed connection, dropped by Reactor), so the extension
 * also records every violation and fails the test, or the class, in which one was recorded, naming the
 * blocking method and the thread. The integrations that reactor-core, Netty and reactor-netty register
 * with {@link java.util.ServiceLoader} are loaded; they already permit their own legitimate blocking
 * (such as Netty reading {@code /etc/hosts} and {@code /etc/resolv.conf} once). The allowances this
 * project adds are listed in {@link #install()}, each with its reason.
 *
 * <p>Every data-path integration test class, in every module, carries
 * {@code @ExtendWith(BlockHoundExtension.class)}; mesh-core's test jar shares this one class.
 */
public final class BlockHoundExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private static final Queue<String> VIOLATIONS = new ConcurrentLinkedQueue<>();

    /** Installed on first use; the holder makes installation happen exactly once. */
    private static final class Installed {
        static final boolean DONE = install();
    }

    private static boolean install() {
        BlockHound.builder()
                .loadIntegrations()
                // Netty 4.2's default allocator grows its set of buffer "magazines" under a StampedLock
                // write lock, held for a few instructions and without I/O; a second thread allocating at
                // that instant parks briefly. A false positive, not an event loop waiting on anything;
                // Netty's own integration (4.2.18/4.2.19) does not cover it yet (Armeria allows it too,
                // line/armeria#6344).
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines")
                // Cancelling a periodic timer (Flux.interval: the control plane's heartbeats) removes its task
                // from the scheduler's queue under that queue's lock, held for a few instructions by the
                // worker thread. reactor-core's own integration allows the same for SchedulerTask and
                // WorkerTask#dispose (reactor/reactor-core#3210, #3213) but not yet for PeriodicWorkerTask.
                .allowBlockingCallsInside("reactor.core.scheduler.PeriodicWorkerTask", "dispose")
                // The OpenTelemetry SDK guards each histogram series for the few instructions of a
                // recording and of a collection's swap: a recording that meets a collection in progress
                // yields (older versions: a ReentrantLock) until the swap is done. Telemetry records on
                // event loops by design; this is the SDK's own short critical section, not I/O.
                .allowBlockingCallsInside("io.opentelemetry.sdk.metrics.internal.aggregator.DoubleExplicitBucketHistogramAggregator$Handle",
                        "doRecordDouble")
                .allowBlockingCallsInside("io.opentelemetry.sdk.metrics.internal.aggregator.DoubleExplicitBucketHistogramAggregator$Handle",
                        "doRecordLong")
                .allowBlockingCallsInside("io.opentelemetry.sdk.metrics.internal.aggregator.DoubleBase2ExponentialHistogramAggregator$Handle",
                        "doRecordDouble")
                .blockingMethodCallback(method -> {
                    VIOLATIONS.add(method + " on thread " + Thread.currentThread().getName());
                    throw new BlockingOperationError(method);
                })
                .install();
        return true;
    }

    /** Makes sure BlockHound is installed; for code that runs before the extension's callbacks. */
    public static void ensureInstalled() {
        assertThat(Installed.DONE).isTrue();
    }

    /** Removes and returns the violations recorded so far, for the test that provokes one on purpose. */
    public static List<String> takeViolations() {
        List<String> taken = new ArrayList<>();
        for (String violation; (violation = VIOLATIONS.poll()) != null; ) {
            taken.add(violation);
        }
        return taken;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        ensureInstalled();
        assertNoViolations("before " + context.getDisplayName());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        assertNoViolations("before " + context.getDisplayName());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        assertNoViolations(context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoViolations("the set-up or tear-down of " + context.getDisplayName());
    }

    private static void assertNoViolations(String where) {
        List<String> violations = takeViolations();
        assertThat(violations).as("blocking calls on non-blocking threads during " + where).isEmpty();
    }
}
