package io.inmesh.benchmarks.load;

import io.inmesh.benchmarks.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * The load harness of issue 7: in one run, the same open-loop load against a reactor-netty floor,
 * the raw app hop, the inmesh app hop and a HAProxy sidecar pair, one setup after the other, each
 * in its own JVM pinned to CPU 1 while this process (the load generator) runs on CPU 0. Per setup:
 * JIT warm-up, then 1000 and 5000 requests/s in several windows, resident memory and heap, and a
 * short search for the saturation rate. Before the setups, the idle noise floor of CPU 1. Writes
 * {@code NAME.json}, {@code NAME.md} and {@code NAME.svg}; see benchmarks/README.md.
 *
 * <p>{@code LoadHarness [--output DIR] [--name NAME] [--windows N] [--window-seconds S]
 * [--warmup-seconds S] [--setups floor,raw,inmesh,sidecar] [--rates 1000,5000]}, or
 * {@code LoadHarness --rewrite NAME.json} to write the table and the chart again from a run's data.
 */
public final class LoadHarness {

    /** CPU of the load generator (this JVM, pinned by the launcher) and of the systems under test. */
    static final int SUT_CPU = 1;
    private static final double SATURATION_P99_MS = 10;
    private static final int SATURATION_CAP = 40_000;
    private static final int MAX_EXTRA_WARMUP_SECONDS = 60;
    private static final List<String> SUT_JVM = List.of("-Xms256m", "-Xmx256m");

    private final LoadGenerator generator = new LoadGenerator();
    private final Duration window;
    private final int windows;
    private final Duration warmup;
    private final List<Integer> rates;
    private final Duration saturationWindow = Duration.ofSeconds(2);

    private LoadHarness(Duration window, int windows, Duration warmup, List<Integer> rates) {
        this.window = window;
        this.windows = windows;
        this.warmup = warmup;
        this.rates = rates;
    }

    public static void main(String[] args) throws IOException {
        Path output = Path.of("benchmarks/results");
        String name = "load-harness";
        int windows = 5;
        int windowSeconds = 3;
        int warmupSeconds = 10;
        List<String> setups = List.of("floor", "raw", "inmesh", "sidecar");
        List<Integer> rates = List.of(1000, 5000);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--output" -> output = Path.of(args[++i]);
                case "--name" -> name = args[++i];
                case "--windows" -> windows = Integer.parseInt(args[++i]);
                case "--window-seconds" -> windowSeconds = Integer.parseInt(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(args[++i]);
                case "--setups" -> setups = List.of(args[++i].split(","));
                case "--rates" -> rates = List.of(args[++i].split(",")).stream().map(Integer::valueOf).toList();
                case "--rewrite" -> {
                    // Only the table and the chart again, from the JSON of an earlier run (after a change of their writers).
                    Path json = Path.of(args[++i]);
                    String base = json.getFileName().toString().replaceFirst("\\.json$", "");
                    LoadReport.read(json).write(json.toAbsolutePath().getParent(), base);
                    System.out.println("rewrote " + base + ".{md,svg} from " + json);
                    return;
                }
                case "--help", "-h" -> {
                    System.out.println("LoadHarness [--output DIR] [--name NAME] [--windows N (>= 3)] [--window-seconds S] "
                            + "[--warmup-seconds S] [--setups floor,raw,inmesh,sidecar] [--rates 1000,5000] | --rewrite NAME.json");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
            }
        }
        if (windows < 3) {
            throw new IllegalArgumentException("--windows " + windows + " (expected at least 3: each figure is a median of windows)");
        }
        long started = System.nanoTime();
        LoadHarness harness = new LoadHarness(Duration.ofSeconds(windowSeconds), windows, Duration.ofSeconds(warmupSeconds), rates);
        List<LoadReport.Jitter> noise = noiseFloor(windows, windowSeconds);
        List<LoadReport.SetupResult> results = new ArrayList<>();
        Path scratch = Files.createTempDirectory("load-harness");
        boolean first = true;
        for (String setup : setups) {
            results.add(harness.measure(setup, scratch, first));
            first = false;
        }
        harness.generator.close();

        Map<String, String> machine = new LinkedHashMap<>(Machine.describe());
        machine.put("cores", Long.toString(Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("processor")).count()));
        machine.remove("harness max heap");
        machine.put("haproxy", HaproxyPair.version());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("windows", windows);
        settings.put("windowSeconds", windowSeconds);
        settings.put("warmupSeconds", warmupSeconds);
        settings.put("rates", rates);
        settings.put("connections", LoadGenerator.CONNECTIONS);
        settings.put("responseBytes", 1024);
        settings.put("saturationP99Ms", SATURATION_P99_MS);
        settings.put("saturationWindowSeconds", harness.saturationWindow.toSeconds());
        settings.put("loadGeneratorCpu", 0);
        settings.put("systemsUnderTestCpu", SUT_CPU);
        settings.put("sutJvmOptions", String.join(" ", SUT_JVM));
        settings.put("runSeconds", (System.nanoTime() - started) / 1_000_000_000L);
        List<String> notes = List.of(
                "inmesh + mTLS: not measured yet; it waits for the security issue (inmesh does not implement mTLS yet).",
                "Setups run one after the other in one run; other work on this shared machine shows in every figure "
                        + "(load average in the machine table). Compare setups within a run, not across runs.",
                "CPU µs/request: user + system time of the SUT processes (/proc/PID/stat, " + SutProcess.TICKS_PER_SECOND
                        + " ticks/s) over a window, divided by the requests due in it; HAProxy's two processes included for the sidecar pair.",
                "Generator send lag: how late the load generator sent requests (p99); latency still counts from the due time, "
                        + "but a large lag means CPU 0 was busy and the generator, not only the system under test, was behind.",
                "Added latency: this setup's median minus the raw app hop's median per percentile, in µs; "
                        + "differences smaller than the raw app hop's own window spread are noise.");
        LoadReport report = new LoadReport(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), machine, settings, noise, results, notes)
                .withAddedOver("raw app hop");
        report.write(output, name);
        System.out.print(report.markdown(name));
        System.out.println("wrote " + output.resolve(name + ".{json,md,svg}"));
        System.exit(0);
    }

    private static List<LoadReport.Jitter> noiseFloor(int windows, int windowSeconds) {
        List<LoadReport.Jitter> noise = new ArrayList<>();
        try (SutProcess probe = SutProcess.java(SUT_CPU, List.of(), "jitter", Integer.toString(windows), Integer.toString(windowSeconds * 1000 / 2))) {
            for (int w = 0; w < windows; w++) {
                String[] line = probe.expect("jitter");
                noise.add(new LoadReport.Jitter(Double.parseDouble(line[1]), Double.parseDouble(line[2]), Double.parseDouble(line[3]),
                        Double.parseDouble(line[4]), Double.parseDouble(line[5])));
            }
        }
        System.err.println("noise floor: " + noise);
        return noise;
    }

    private static String title(String setup) {
        return switch (setup) {
            case "floor" -> "floor";
            case "raw" -> "raw app hop";
            case "inmesh" -> "inmesh app hop";
            case "sidecar" -> "sidecar pair";
            default -> throw new IllegalArgumentException("setup: " + setup + " (expected floor, raw, inmesh or sidecar)");
        };
    }

    private static String description(String setup) {
        return switch (setup) {
            case "floor" -> "load → reactor-netty backend (the cost of the load generator, loopback and one server).";
            case "raw" -> "load → reactor-netty frontend → pooled reactor-netty HttpClient → backend: an application without a mesh.";
            case "inmesh" -> "the same frontend calling through MeshClient (VirtualService with a header match and a 90/10 split, "
                    + "DestinationRule with subsets, connection pool and outlier detection) → backends wrapped by MeshServer; "
                    + "MeshTelemetry on both meshes with an OTel SDK meter provider and tracing sampled at 1 % (batch processor, dropping exporter).";
            case "sidecar" -> "the raw app hop with a local HAProxy on each side (frontend → HAProxy → HAProxy → backend), "
                    + "HTTP mode, keep-alive and connection reuse, one thread each: the shape of two Istio sidecars.";
            default -> setup;
        };
    }

    private LoadReport.SetupResult measure(String setup, Path scratch, boolean first) {
        String title = title(setup);
        boolean sidecar = setup.equals("sidecar");
        if (sidecar && !HaproxyPair.available()) {
            return new LoadReport.SetupResult(title, description(setup), List.of(), null, 0, false, List.of(),
                    "haproxy not found (benchmarks/bin/load-harness installs Debian's package with apt-get)", 0);
        }
        System.err.println("== " + title);
        int listen = sidecar ? HaproxyPair.freePort() : 0;
        try (SutProcess sut = SutProcess.java(SUT_CPU, SUT_JVM, setup, Integer.toString(listen))) {
            String[] ready = sut.expect("ready");
            int backendPort = Integer.parseInt(ready[2]);
            HaproxyPair proxies = sidecar ? HaproxyPair.start(SUT_CPU, listen, backendPort, scratch) : null;
            try {
                int port = sidecar ? listen : Integer.parseInt(ready[1]);
                List<Long> pids = new ArrayList<>(List.of(sut.pid()));
                if (proxies != null) {
                    pids.addAll(proxies.pids());
                    waitForPort(listen);
                }
                LongSupplier cpu = () -> pids.stream().mapToLong(SutProcess::cpuNanos).sum();
                // JIT warm-up: a little at the low rate, the rest at the highest measured one.
                generator.run(port, rates.get(0), Duration.ofSeconds(2), 1, cpu, Long.MAX_VALUE);
                // The first setup also warms the generator's own JIT (on CPU 0): twice as long.
                Duration rest = (first ? warmup.multipliedBy(2) : warmup).minusSeconds(2);
                generator.run(port, rates.get(rates.size() - 1), rest, 1, cpu, rates.get(rates.size() - 1));
                long compiling = settleJit(sut, port, cpu);
                List<LoadReport.RateResult> measured = new ArrayList<>();
                for (int rate : rates) {
                    LoadGenerator.Run run = generator.run(port, rate, window, windows, cpu, 2L * rate);
                    result(rate, run).ifPresent(result -> {
                        measured.add(result);
                        System.err.println(title + " " + rate + " rps: " + result.latency());
                    });
                }
                LoadReport.Memory memory = memory(sut, pids);
                List<LoadReport.SaturationStep> steps = new ArrayList<>();
                int saturation = saturation(port, cpu, measured, steps);
                if (proxies != null && !proxies.isAlive()) {
                    throw new IllegalStateException("a HAProxy of the sidecar pair ended during the run");
                }
                return new LoadReport.SetupResult(title, description(setup), measured, memory, saturation,
                        saturation >= SATURATION_CAP, steps, null, compiling);
            } finally {
                if (proxies != null) {
                    proxies.close();
                }
            }
        }
    }

    /**
     * Warms until the JIT has settled: runs at the lowest rate in 2 s windows until the compiler
     * threads used under 5 % of a window (at most {@value #MAX_EXTRA_WARMUP_SECONDS} s more). On one
     * CPU a large request path (inmesh's stacks, the OTel SDK) keeps C2 busy long after a fixed
     * warm-up, and its compiling would be counted as the setup's latency and CPU. Returns the
     * seconds of extra warm-up.
     */
    private long settleJit(SutProcess sut, int port, LongSupplier cpu) {
        return settleJit(generator, sut, port, rates.get(0), cpu);
    }

    /** {@link #settleJit(SutProcess, int, LongSupplier)} at {@code rate}, for any run of a setup (the profiler's too). */
    static long settleJit(LoadGenerator generator, SutProcess sut, int port, int rate, LongSupplier cpu) {
        long started = System.nanoTime();
        while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(MAX_EXTRA_WARMUP_SECONDS)) {
            long before = sut.compilerCpuNanos();
            generator.run(port, rate, Duration.ofSeconds(2), 1, cpu, 2L * rate);
            long used = sut.compilerCpuNanos() - before;
            System.err.printf("  JIT: compiler threads used %d ms in 2 s%n", used / 1_000_000);
            if (used < TimeUnit.MILLISECONDS.toNanos(100)) {
                break;
            }
        }
        return (System.nanoTime() - started) / 1_000_000_000L;
    }

    /** The run's figures; empty if it stopped before any window had an answer. */
    private static Optional<LoadReport.RateResult> result(int rate, LoadGenerator.Run run) {
        List<LoadReport.Window> list = new ArrayList<>();
        for (int w = 0; w < run.windows().size(); w++) {
            Histogram h = run.windows().get(w);
            if (h.getTotalCount() == 0) {
                continue; // never started: the run stopped early
            }
            boolean complete = w + 1 < run.cpuNanosAtBoundaries().length && run.cpuNanosAtBoundaries()[w + 1] != 0;
            list.add(new LoadReport.Window(ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1e6, h.getTotalCount(),
                    complete ? Double.valueOf(run.cpuMicrosPerRequest(w)) : null));
        }
        if (list.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(LoadReport.RateResult.of(rate, list, run.errors(), run.unanswered(),
                run.sendLag().getValueAtPercentile(99) / 1e6, run.aborted()));
    }

    private static double ms(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1e6;
    }

    private static LoadReport.Memory memory(SutProcess sut, List<Long> pids) {
        long resident = pids.stream().mapToLong(SutProcess::residentKiB).sum();
        long jvm = SutProcess.residentKiB(sut.pid());
        sut.tell("heap");
        String[] heap = sut.expect("heap");
        return new LoadReport.Memory(resident, jvm, Long.parseLong(heap[1]) >> 10, Long.parseLong(heap[2]) >> 10, Long.parseLong(heap[3]) >> 10);
    }

    /**
     * The highest rate whose p99 stays under 10 ms with every request answered: starts from the
     * highest measured rate that passed, doubles until a rate fails (at most {@value #SATURATION_CAP}),
     * then bisects to within 10 %, one short window per step. A failed step is tried up to twice more:
     * this machine stalls for tens of milliseconds now and then, and one stall in a short window
     * must not decide the search.
     */
    private int saturation(int port, LongSupplier cpu, List<LoadReport.RateResult> measured, List<LoadReport.SaturationStep> steps) {
        int low = 0;
        for (LoadReport.RateResult rate : measured) {
            if (!rate.overloaded() && rate.unanswered() == 0 && rate.latency().get("p99").median() < SATURATION_P99_MS) {
                low = Math.max(low, rate.rate());
            }
        }
        int high = -1;
        while (high < 0) {
            int next = Math.max(low * 2, 1000);
            if (next > SATURATION_CAP) {
                return low;
            }
            if (step(port, next, cpu, steps)) {
                low = next;
            } else {
                high = next;
            }
        }
        for (int bisections = 0; bisections < 4 && high - low > Math.max(200, low / 10); bisections++) {
            int middle = (int) Math.round((low + high) / 200.0) * 100;
            if (step(port, middle, cpu, steps)) {
                low = middle;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private boolean step(int port, int rate, LongSupplier cpu, List<LoadReport.SaturationStep> steps) {
        for (int attempt = 0; attempt < 3; attempt++) {
            // More than 100 ms of backlog (and over 1000 requests, more than a stall of this machine
            // leaves): past saturation, the queue only grows; stop early.
            LoadGenerator.Run run = generator.run(port, rate, saturationWindow, 1, cpu, Math.max(1000, rate / 10));
            Histogram h = run.windows().get(0);
            double p99 = run.aborted() || run.unanswered() > 0 ? Double.POSITIVE_INFINITY : ms(h, 99);
            boolean passed = p99 < SATURATION_P99_MS && run.errors() == 0;
            steps.add(new LoadReport.SaturationStep(rate, Double.isInfinite(p99) ? 1e9 : p99, passed, run.sendLag().getValueAtPercentile(99) / 1e6));
            System.err.printf("  saturation step %d rps: p99 %s ms %s%n", rate, Double.isInfinite(p99) ? "unbounded (stopped early)"
                    : String.format("%.2f", p99), passed ? "pass" : "fail");
            // Let a queue left by a failed step drain before the next.
            sleep(passed ? 200 : 1000);
            if (passed) {
                return true;
            }
        }
        return false;
    }

    private static void waitForPort(int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                sleep(50);
            }
        }
        throw new IllegalStateException("HAProxy did not listen on 127.0.0.1:" + port + " within 10 s");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
