package io.inmesh.benchmarks.chain;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The same calls as {@link TelemetryOverhead}, measured as processor time of the whole JVM per call
 * (every thread: the caller, timers, the garbage collector) rather than elapsed time: on a machine
 * shared with other work, elapsed time grows whenever another process takes the core, processor
 * time does not. Each setup is warmed up, then measured in several windows; the median and the
 * spread are printed as a Markdown table.
 *
 * <pre>java -cp benchmarks/target/mesh-benchmarks.jar io.inmesh.benchmarks.chain.TelemetryCpuCost [warmup-s] [window-s] [windows]</pre>
 */
public final class TelemetryCpuCost {

    private static final List<String> SETUPS = List.of("off", "noop", "metrics", "tracing-sampled", "tracing-unsampled",
            "all-sampled", "all-unsampled", "access-log");

    private TelemetryCpuCost() {
    }

    public static void main(String[] args) {
        double warmupSeconds = args.length > 0 ? Double.parseDouble(args[0]) : 15;
        double windowSeconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        int windows = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.println("| telemetry | CPU µs per call (median) | spread (min-max) | added over off |");
        System.out.println("|---|---|---|---|");
        double off = Double.NaN;
        for (String setup : SETUPS) {
            TelemetryOverhead calls = new TelemetryOverhead();
            calls.telemetry = setup;
            calls.start();
            try {
                runFor(calls, warmupSeconds);
                double[] perCall = new double[windows];
                for (int i = 0; i < windows; i++) {
                    long cpuBefore = os.getProcessCpuTime();
                    long count = runFor(calls, windowSeconds);
                    perCall[i] = (os.getProcessCpuTime() - cpuBefore) / 1000.0 / count;
                }
                Arrays.sort(perCall);
                double median = perCall[windows / 2];
                if (setup.equals("off")) {
                    off = median;
                }
                System.out.println(String.format(Locale.ROOT, "| %s | %.2f | %.2f-%.2f | %s |", setup, median, perCall[0],
                        perCall[windows - 1], setup.equals("off") ? "-" : String.format(Locale.ROOT, "%+.2f", median - off)));
            } finally {
                calls.stop();
            }
        }
    }

    private static long runFor(TelemetryOverhead calls, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long count = 0;
        List<Integer> sink = new ArrayList<>(1);
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++) {
                sink.add(calls.call());
                sink.clear();
            }
            count += 100;
        }
        return count;
    }
}
