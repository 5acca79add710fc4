package io.inmesh.benchmarks.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inmesh.benchmarks.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the JSON that JMH writes ({@code -rf json}) and writes the suite's Markdown table (ns/op and
 * B/op per benchmark, against issue 7's goals, with the machine) and an SVG bar chart of ns/op.
 *
 * <p>Usage: {@code JmhReport RESULT.json TABLE.md CHART.svg [LOAD-AVERAGE-BEFORE]}.
 */
public final class JmhReport {

    /** One benchmark with one set of parameters. */
    record Row(String benchmark, Map<String, String> params, double nanos, double errorNanos, double medianNanos, double bytesPerOp) {
        String label() {
            String shortName = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            return params.isEmpty() ? shortName : shortName + " " + params.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        }
    }

    /**
     * A goal of issue 7 that a row is measured against: an upper bound on time and, where set, on
     * bytes. The time compared is the median iteration: on a shared machine a few iterations slowed
     * by other work move the mean far more than the median.
     */
    record Goal(String text, double maxNanos, double maxBytes) {
        String verdict(Row row) {
            boolean time = row.medianNanos() <= maxNanos;
            boolean bytes = Double.isNaN(maxBytes) || Double.isNaN(row.bytesPerOp()) || row.bytesPerOp() <= maxBytes;
            if (time && bytes) {
                return "meets";
            }
            List<String> misses = new ArrayList<>();
            if (!time) {
                misses.add(String.format(Locale.ROOT, "time ×%.1f", row.medianNanos() / maxNanos));
            }
            if (!bytes) {
                misses.add(String.format(Locale.ROOT, "bytes ×%.1f", row.bytesPerOp() / maxBytes));
            }
            return "misses (" + String.join(", ", misses) + ")";
        }
    }

    private JmhReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: JmhReport RESULT.json TABLE.md CHART.svg [LOAD-AVERAGE-BEFORE]");
            System.exit(2);
        }
        List<Row> rows = read(Files.readString(Path.of(args[0])));
        Map<String, String> machine = new LinkedHashMap<>(Machine.describe());
        machine.remove("harness max heap"); // this tool's heap; the benchmarks' forks set their own (-Xmx in each class)
        if (args.length == 4) {
            machine.put("load average before the run (1, 5, 15 min)", args[3]);
        }
        Files.writeString(Path.of(args[1]), markdown(rows, machine, Instant.now(), Path.of(args[0]).getFileName().toString(),
                Path.of(args[2]).getFileName().toString()));
        Files.writeString(Path.of(args[2]), svg(rows));
        System.out.println("wrote " + args[1] + " and " + args[2] + " (" + rows.size() + " results)");
    }

    /** The rows of a JMH JSON result, in its order; times in nanoseconds per operation. */
    static List<Row> read(String json) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (JsonNode run : new ObjectMapper().readTree(json)) {
            Map<String, String> params = new LinkedHashMap<>();
            JsonNode paramsNode = run.path("params");
            for (Iterator<Map.Entry<String, JsonNode>> it = paramsNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> param = it.next();
                params.put(param.getKey(), param.getValue().asText());
            }
            JsonNode primary = run.path("primaryMetric");
            double toNanos = nanosPer(primary.path("scoreUnit").asText());
            double error = primary.path("scoreError").asDouble(Double.NaN);
            double bytes = Double.NaN;
            for (Iterator<Map.Entry<String, JsonNode>> it = run.path("secondaryMetrics").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> metric = it.next();
                // "gc.alloc.rate.norm" since JMH 1.36, "·gc.alloc.rate.norm" before.
                if (metric.getKey().endsWith("gc.alloc.rate.norm")) {
                    bytes = metric.getValue().path("score").asDouble(Double.NaN);
                }
            }
            List<Double> iterations = new ArrayList<>();
            for (JsonNode fork : primary.path("rawData")) {
                fork.forEach(value -> iterations.add(value.asDouble() * toNanos));
            }
            double score = primary.path("score").asDouble() * toNanos;
            rows.add(new Row(run.path("benchmark").asText(), params, score, error * toNanos,
                    iterations.isEmpty() ? score : median(iterations), bytes));
        }
        return rows;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static double nanosPer(String unit) {
        return switch (unit) {
            case "ns/op" -> 1;
            case "us/op" -> 1e3;
            case "ms/op" -> 1e6;
            case "s/op" -> 1e9;
            default -> throw new IllegalArgumentException("unit " + unit + " (expected a time per operation)");
        };
    }

    /** The goal of issue 7 that {@code row} is measured against, or {@code null}. */
    static Goal goal(Row row) {
        String name = row.benchmark();
        if (name.contains(".chain.")) {
            return new Goal("chain without network < 2 µs, < 1 KB", 2_000, 1_000);
        }
        if (name.endsWith("RouteMatching.route") && "10000".equals(row.params().get("routes"))) {
            return new Goal("route match over 10 000 routes < 1 µs", 1_000, Double.NaN);
        }
        if (name.endsWith("ConfigCompile.loadAndCompile") && "10000".equals(row.params().get("resources"))) {
            return new Goal("10 000 resources parse, validate, compile < 1 s", 1e9, Double.NaN);
        }
        return null;
    }

    static String markdown(List<Row> rows, Map<String, String> machine, Instant at, String jsonName, String svgName) {
        StringBuilder md = new StringBuilder();
        md.append("# JMH suite\n\n");
        md.append("Run ").append(at.truncatedTo(ChronoUnit.SECONDS)).append(" by `benchmarks/bin/jmh`; raw data `")
                .append(jsonName).append("`, chart `").append(svgName).append("`. Time per operation: the mean with its ")
                .append("99.9 % error and the median iteration (goals are judged on the median, which a few iterations ")
                .append("slowed by other work on the machine move less); bytes allocated per operation (`-prof gc`, ")
                .append("`gc.alloc.rate.norm`), which other work does not change. Short runs on a shared machine: compare ")
                .append("ratios within a run rather than absolute times across runs.\n\n");
        md.append("| benchmark | parameters | time/op (mean) | ± | median iteration | B/op | goal (issue 7) | stands |\n");
        md.append("|---|---|---:|---:|---:|---:|---|---|\n");
        for (Row row : rows) {
            Goal goal = goal(row);
            String name = row.benchmark().substring(row.benchmark().lastIndexOf('.', row.benchmark().lastIndexOf('.') - 1) + 1);
            String params = row.params().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
            md.append("| ").append(name).append(" | ").append(params).append(" | ").append(time(row.nanos()))
                    .append(" | ").append(Double.isNaN(row.errorNanos()) ? "" : time(row.errorNanos()))
                    .append(" | ").append(time(row.medianNanos()))
                    .append(" | ").append(bytes(row.bytesPerOp()))
                    .append(" | ").append(goal == null ? "" : goal.text())
                    .append(" | ").append(goal == null ? "" : goal.verdict(row)).append(" |\n");
        }
        md.append("\n## Machine\n\n| | |\n|---|---|\n");
        machine.forEach((key, value) -> md.append("| ").append(key).append(" | ").append(value).append(" |\n"));
        return md.toString();
    }

    /** A time with a unit that keeps three or four significant digits. */
    static String time(double nanos) {
        if (nanos < 1_000) {
            return String.format(Locale.ROOT, "%.1f ns", nanos);
        }
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.2f µs", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static String bytes(double bytes) {
        if (Double.isNaN(bytes)) {
            return "";
        }
        if (bytes < 10_000) {
            return String.format(Locale.ROOT, "%.0f", bytes);
        }
        if (bytes < 10_000_000) {
            return String.format(Locale.ROOT, "%.0f K", bytes / 1024);
        }
        return String.format(Locale.ROOT, "%.0f M", bytes / (1024 * 1024));
    }

    /**
     * Horizontal bars of the median iteration's time per operation on a log scale (the suite spans nanoseconds to a second),
     * each labelled with its benchmark and time; a goal, where one applies, is a red tick on its bar.
     */
    static String svg(List<Row> rows) {
        int labelWidth = 430;
        int barWidth = 520;
        int rowHeight = 22;
        int top = 40;
        int width = labelWidth + barWidth + 110;
        int height = top + rows.size() * rowHeight + 40;
        double minLog = 0; // 1 ns
        double maxLog = 10; // 10 s
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append("<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">inmesh JMH suite: time per operation,"
                + " median iteration (log scale; red tick: issue 7 goal)</text>\n");
        for (int decade = 0; decade <= 10; decade++) {
            double x = labelWidth + barWidth * (decade - minLog) / (maxLog - minLog);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n",
                    x, top - 4, x, height - 30));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>\n",
                    x, height - 14, time(Math.pow(10, decade)).replace(".0 ", " ").replace(".00 ", " ")));
        }
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            int y = top + i * rowHeight;
            double length = barWidth * (Math.log10(Math.max(1, row.medianNanos())) - minLog) / (maxLog - minLog);
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                    labelWidth - 6, y + 15, escape(row.label())));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#4a7ebb\"/>\n",
                    labelWidth, y + 3, length, rowHeight - 6));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>\n",
                    labelWidth + length + 4, y + 15, escape(time(row.medianNanos()))));
            Goal goal = goal(row);
            if (goal != null) {
                double x = labelWidth + barWidth * (Math.log10(goal.maxNanos()) - minLog) / (maxLog - minLog);
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"red\" stroke-width=\"2\"/>\n",
                        x, y + 1, x, y + rowHeight - 1));
            }
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
