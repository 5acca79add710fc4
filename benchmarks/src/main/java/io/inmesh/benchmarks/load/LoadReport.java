package io.inmesh.benchmarks.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The results of one run of the load harness, and their three files: the raw data
 * ({@code NAME.json}), the table ({@code NAME.md}) and the chart of latency percentiles per setup
 * ({@code NAME.svg}). Latencies are in milliseconds, CPU in microseconds per request, memory in KiB.
 */
record LoadReport(String date, Map<String, String> machine, Map<String, Object> settings, List<Jitter> noiseFloor,
                  List<SetupResult> setups, List<String> notes) {

    /** The percentiles of the rates table and the chart, in order. */
    static final List<String> PERCENTILES = List.of("p50", "p90", "p99", "p99.9");

    /** One measuring window at a constant rate: latency percentiles (ms) and the SUT's CPU per request (µs; null if the run stopped in it). */
    record Window(double p50, double p90, double p99, double p999, double max, long count, Double cpuMicrosPerRequest) {

        double percentile(String name) {
            return switch (name) {
                case "p50" -> p50;
                case "p90" -> p90;
                case "p99" -> p99;
                case "p99.9" -> p999;
                default -> throw new IllegalArgumentException("percentile: " + name + " (expected one of " + PERCENTILES + ")");
            };
        }
    }

    /** One window of the idle wake-up probe: how late a 1 ms sleep ended, in µs. */
    record Jitter(double p50, double p90, double p99, double p999, double max) {
    }

    /**
     * One setup at one rate: its windows, each figure as median and range over them, and (filled
     * once the raw app hop is known) the latency added over the raw app hop's median per percentile.
     * {@code overloaded}: the run stopped early, the setup could not keep up with the rate.
     */
    record RateResult(int rate, List<Window> windows, Map<String, Spread> latency, Spread cpuMicrosPerRequest, long errors,
                      long unanswered, double sendLagP99, boolean overloaded, Map<String, Spread> addedOverRawApp) {

        static RateResult of(int rate, List<Window> windows, long errors, long unanswered, double sendLagP99, boolean overloaded) {
            Map<String, Spread> latency = new LinkedHashMap<>();
            for (String p : PERCENTILES) {
                latency.put(p, Spread.of(windows.stream().map(w -> w.percentile(p)).toList()));
            }
            List<Double> cpu = windows.stream().map(Window::cpuMicrosPerRequest).filter(Objects::nonNull).toList();
            return new RateResult(rate, windows, latency, cpu.isEmpty() ? null : Spread.of(cpu), errors, unanswered, sendLagP99,
                    overloaded, Map.of());
        }

        RateResult withAdded(RateResult raw) {
            Map<String, Spread> added = new LinkedHashMap<>();
            for (String p : PERCENTILES) {
                added.put(p, latency.get(p).minus(raw.latency().get(p).median()));
            }
            return new RateResult(rate, windows, latency, cpuMicrosPerRequest, errors, unanswered, sendLagP99, overloaded, added);
        }
    }

    /** One step of the saturation search: a rate, its p99 (ms), whether it passed (p99 under the limit, all answered). */
    record SaturationStep(int rate, double p99, boolean passed, double sendLagP99) {
    }

    /** Resident memory of the SUT processes (HAProxy included), and the JVM's heap: used, live after a GC, committed. */
    record Memory(long residentKiB, long jvmResidentKiB, long heapUsedKiB, long heapLiveKiB, long heapCommittedKiB) {
    }

    /**
     * One setup: what it is, its results per rate, memory, and the highest rate whose p99 stayed
     * under the limit ({@code saturationCapped}: the search's highest rate passed, the true one is
     * higher). {@code skipped} says why a setup did not run (else null). {@code extraWarmupSeconds}: how
     * long the warm-up went on after its fixed part until the JIT compiler threads were quiet.
     */
    record SetupResult(String name, String description, List<RateResult> rates, Memory memory, int saturation, boolean saturationCapped,
                       List<SaturationStep> saturationSteps, String skipped, long extraWarmupSeconds) {

        Optional<RateResult> at(int rate) {
            return rates.stream().filter(r -> r.rate() == rate).findFirst();
        }

        SetupResult withRates(List<RateResult> replaced) {
            return new SetupResult(name, description, replaced, memory, saturation, saturationCapped, saturationSteps, skipped,
                    extraWarmupSeconds);
        }
    }

    /** Fills in every setup's added latency over the setup named {@code reference}, rate by rate. */
    LoadReport withAddedOver(String reference) {
        Optional<SetupResult> raw = setups.stream().filter(s -> s.name().equals(reference) && s.skipped() == null).findFirst();
        if (raw.isEmpty()) {
            return this;
        }
        List<SetupResult> filled = new ArrayList<>();
        for (SetupResult setup : setups) {
            List<RateResult> rates = new ArrayList<>();
            for (RateResult rate : setup.rates()) {
                rates.add(raw.get().at(rate.rate()).map(rate::withAdded).orElse(rate));
            }
            filled.add(setup.withRates(rates));
        }
        return new LoadReport(date, machine, settings, noiseFloor, filled, notes);
    }

    /** Reads a report from its JSON file (to write its table and chart again). */
    static LoadReport read(Path json) throws IOException {
        return new ObjectMapper().readValue(json.toFile(), LoadReport.class);
    }

    /** Writes NAME.json, NAME.md and NAME.svg into {@code directory}. */
    void write(Path directory, String name) throws IOException {
        Files.createDirectories(directory);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(directory.resolve(name + ".json").toFile(), this);
        Files.writeString(directory.resolve(name + ".md"), markdown(name));
        Files.writeString(directory.resolve(name + ".svg"), LatencyChart.svg(this));
    }

    String markdown(String name) {
        StringBuilder md = new StringBuilder();
        md.append("# Load harness: floor, raw app hop, inmesh app hop, sidecar pair\n\n");
        md.append(date).append(". Open loop, constant rate, latency from each request's due time (coordinated omission ")
                .append("corrected), ").append(LoadGenerator.CONNECTIONS).append(" keep-alive connections, 1 KiB responses; ")
                .append("load generator on CPU 0, systems under test on CPU 1. Each figure: median of ")
                .append(settings.get("windows")).append(" windows of ").append(settings.get("windowSeconds"))
                .append(" s, [min–max] over the windows. Chart: `").append(name).append(".svg`; raw data: `").append(name)
                .append(".json`.\n\n");
        md.append("## Latency (ms) and cost per request\n\n");
        md.append("| setup | rate | p50 | p90 | p99 | p99.9 | added over raw app hop p50 / p90 / p99 / p99.9 (µs) | CPU µs/request | errors | generator send lag p99 (ms) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (SetupResult setup : setups) {
            if (setup.skipped() != null) {
                md.append("| ").append(setup.name()).append(" | | not run: ").append(setup.skipped()).append(" | | | | | | | |\n");
                continue;
            }
            for (RateResult rate : setup.rates()) {
                md.append("| ").append(setup.name()).append(" | ").append(rate.rate()).append(" rps");
                if (rate.overloaded()) {
                    md.append(" (overloaded: stopped early)");
                }
                md.append(" |");
                for (String p : PERCENTILES) {
                    md.append(' ').append(ms(rate.latency().get(p))).append(" |");
                }
                md.append(' ');
                if (rate.addedOverRawApp().isEmpty()) {
                    md.append('–');
                } else {
                    List<String> added = new ArrayList<>();
                    for (String p : PERCENTILES) {
                        added.add(String.format(Locale.ROOT, "%+.0f", rate.addedOverRawApp().get(p).median() * 1000));
                    }
                    md.append(String.join(" / ", added));
                }
                md.append(" | ").append(rate.cpuMicrosPerRequest() == null ? "–" : micros(rate.cpuMicrosPerRequest()))
                        .append(" | ").append(rate.errors() + rate.unanswered())
                        .append(String.format(Locale.ROOT, " | %.2f |%n", rate.sendLagP99()));
            }
        }
        md.append("\n## Saturation and memory\n\n");
        md.append("Saturation: the highest rate whose p99 stayed under ").append(settings.get("saturationP99Ms"))
                .append(" ms with every request answered, by a short search (one window of ")
                .append(settings.get("saturationWindowSeconds")).append(" s per step; a failed step is tried up to twice more, as one stall of the machine can fail a short window).\n\n");
        md.append("| setup | saturation | × raw app hop | search steps (rps: p99 ms) | resident memory (all SUT processes) | JVM heap used / live after GC / committed | extra warm-up until the JIT was quiet |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        int rawSaturation = setups.stream().filter(s -> s.name().equals("raw app hop") && s.skipped() == null)
                .mapToInt(SetupResult::saturation).findFirst().orElse(0);
        for (SetupResult setup : setups) {
            if (setup.skipped() != null) {
                continue;
            }
            md.append("| ").append(setup.name()).append(" | ").append(setup.saturationCapped() ? "≥ " : "")
                    .append(setup.saturation()).append(" rps | ")
                    .append(rawSaturation > 0 ? String.format(Locale.ROOT, "%.2f", setup.saturation() / (double) rawSaturation) : "–")
                    .append(" | ");
            List<String> steps = new ArrayList<>();
            for (SaturationStep step : setup.saturationSteps()) {
                steps.add(String.format(Locale.ROOT, "%d: %s%s", step.rate(), step.p99() >= 1000 ? ">1 s" : String.format(Locale.ROOT, "%.2f", step.p99()),
                        step.passed() ? "" : " ✗"));
            }
            md.append(String.join(", ", steps)).append(" | ");
            Memory memory = setup.memory();
            if (memory == null) {
                md.append("– | – | ").append(setup.extraWarmupSeconds()).append(" s |\n");
            } else {
                md.append(memory.residentKiB() / 1024).append(" MiB");
                if (memory.residentKiB() != memory.jvmResidentKiB()) {
                    md.append(" (JVM ").append(memory.jvmResidentKiB() / 1024).append(" MiB)");
                }
                md.append(String.format(Locale.ROOT, " | %.1f / %.1f / %.0f MiB | %d s |%n", memory.heapUsedKiB() / 1024.0,
                        memory.heapLiveKiB() / 1024.0, memory.heapCommittedKiB() / 1024.0, setup.extraWarmupSeconds()));
            }
        }
        md.append("\n## Idle noise floor\n\n");
        md.append("How late a thread on CPU 1 woke up from a 1 ms sleep while nothing was measured (µs), per window: ")
                .append("the stalls every figure above includes.\n\n");
        md.append("| window | p50 | p90 | p99 | p99.9 | max |\n|---|---|---|---|---|---|\n");
        for (int i = 0; i < noiseFloor.size(); i++) {
            Jitter j = noiseFloor.get(i);
            md.append(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.0f | %.0f |%n", i + 1, j.p50(), j.p90(), j.p99(), j.p999(), j.max()));
        }
        md.append("\n## Setups\n\n");
        for (SetupResult setup : setups) {
            md.append("- **").append(setup.name()).append("**: ").append(setup.description()).append('\n');
        }
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            notes.forEach(note -> md.append("- ").append(note).append('\n'));
        }
        md.append("\n## Machine and settings\n\n| | |\n|---|---|\n");
        machine.forEach((key, value) -> md.append("| ").append(key).append(" | ").append(value).append(" |\n"));
        settings.forEach((key, value) -> md.append("| ").append(key).append(" | ").append(value).append(" |\n"));
        return md.toString();
    }

    /** A latency spread in ms: median [min–max], precision to the µs below 10 ms. */
    static String ms(Spread spread) {
        String format = spread.max() < 10 ? "%.3f" : "%.1f";
        return String.format(Locale.ROOT, format + " [" + format + "–" + format + "]", spread.median(), spread.min(), spread.max());
    }

    static String micros(Spread spread) {
        return String.format(Locale.ROOT, "%.0f [%.0f–%.0f]", spread.median(), spread.min(), spread.max());
    }
}
