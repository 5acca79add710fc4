package io.inmesh.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One setup of the load harness under a profiler: starts the system under test pinned to CPU 1 as
 * the harness does, warms it up until the JIT is quiet, then sends a constant rate for a while and,
 * during that time, runs a command against the SUT's process ({@code {pid}} in it is replaced), for
 * example {@code perf record -g -p {pid}} or {@code strace -c -f -p {pid}}. It prints the CPU µs per
 * request and the latency of the profiled interval, and what the command printed goes to the
 * terminal. Used to find where a setup's processor time goes; {@code benchmarks/bin/profile} runs it.
 *
 * <p>{@code ProfileRun SETUP [--rate R] [--windows N] [--seconds S] [--warmup-seconds S] [--warmup-rate R] [--jvm OPTION]... [--command CMD]}
 */
public final class ProfileRun {

    private ProfileRun() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].startsWith("-")) {
            throw new IllegalArgumentException("usage: ProfileRun floor|raw|inmesh [--rate R] [--seconds S] [--warmup-seconds S] [--warmup-rate R] "
                    + "[--jvm OPTION]... [--command 'perf record -g -p {pid}']");
        }
        String setup = args[0];
        if (setup.equals("sidecar")) {
            throw new IllegalArgumentException("profile the sidecar pair with perf on HAProxy directly; ProfileRun measures one JVM");
        }
        int rate = 1000;
        int seconds = 6;
        int windows = 1;
        int warmupSeconds = 20;
        int warmupRate = 0;
        String command = null;
        List<String> jvm = new ArrayList<>(List.of("-Xms256m", "-Xmx256m"));
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--windows" -> windows = Integer.parseInt(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(args[++i]);
                case "--warmup-rate" -> warmupRate = Integer.parseInt(args[++i]);
                case "--jvm" -> jvm.add(args[++i]);
                case "--command" -> command = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        try (LoadGenerator generator = new LoadGenerator();
             SutProcess sut = SutProcess.java(1, jvm, setup, "0")) {
            int port = Integer.parseInt(sut.expect("ready")[1]);
            LongSupplier cpu = () -> SutProcess.cpuNanos(sut.pid());
            // The harness warms at its highest rate; --warmup-rate does the same here (default: the measured rate).
            int warmAt = warmupRate > 0 ? warmupRate : rate;
            generator.run(port, warmAt, Duration.ofSeconds(warmupSeconds), 1, cpu, 2L * warmAt);
            LoadHarness.settleJit(generator, sut, port, rate, cpu);
            Process watcher = null;
            if (command != null) {
                String line = command.replace("{pid}", Long.toString(sut.pid()));
                System.err.println("profile: " + line);
                watcher = new ProcessBuilder("sh", "-c", line).inheritIO().start();
                Thread.sleep(500); // let the profiler attach before the measured interval
            }
            java.util.Map<String, Long> threadsBefore = sut.cpuNanosByThread();
            LoadGenerator.Run run = generator.run(port, rate, Duration.ofSeconds(seconds), windows, cpu, 2L * rate);
            java.util.Map<String, Long> threadsAfter = sut.cpuNanosByThread();
            if (watcher != null) {
                stop(watcher);
            }
            for (int w = 0; w < run.windows().size(); w++) {
                System.out.printf(Locale.ROOT, "%s at %d rps, window %d of %d s: CPU %.1f µs/request, p50 %.3f ms, p99 %.3f ms%n",
                        setup, rate, w + 1, seconds, run.cpuMicrosPerRequest(w), run.windows().get(w).getValueAtPercentile(50) / 1e6,
                        run.windows().get(w).getValueAtPercentile(99) / 1e6);
            }
            System.out.println("errors " + run.errors() + "; CPU per kind of thread over all windows:");
            long requests = run.requestsPerWindow() * run.windows().size();
            threadsAfter.entrySet().stream()
                    .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() > 0)
                    .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> System.out.printf(Locale.ROOT, "  %-24s %7.1f µs/request%n", e.getKey(), e.getValue() / 1e3 / requests));
        }
        System.exit(0);
    }

    /** Ends the profiler as Ctrl-C would (perf and strace write their report on SIGINT). */
    private static void stop(Process watcher) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(watcher.descendants().toList());
        for (ProcessHandle handle : all) {
            try {
                new ProcessBuilder("kill", "-INT", Long.toString(handle.pid())).start().waitFor();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!watcher.waitFor(60, TimeUnit.SECONDS)) {
            watcher.destroyForcibly();
        }
    }
}
