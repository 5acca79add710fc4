package io.inmesh.benchmarks.load;

import java.util.List;
import java.util.Locale;

/**
 * The chart of a load-harness run, as SVG: one panel per rate, in each the latency percentiles
 * grouped by percentile with a bar per setup (the median of the windows, the whisker their range),
 * on a logarithmic axis so that p50 and p99.9 both read. Written by hand: a few rectangles, lines
 * and labels.
 */
final class LatencyChart {

    private static final String[] COLOURS = {"#7f7f7f", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e"};
    private static final int PANEL_WIDTH = 560;
    private static final int PANEL_HEIGHT = 360;
    private static final int LEFT = 60;
    private static final int TOP = 70;

    private LatencyChart() {
    }

    static String svg(LoadReport report) {
        List<LoadReport.SetupResult> setups = report.setups().stream().filter(s -> s.skipped() == null).toList();
        List<Integer> rates = setups.stream().flatMap(s -> s.rates().stream()).map(LoadReport.RateResult::rate).distinct().sorted().toList();
        double lowest = 1; // the axis starts at most one decade below the lowest bar or whisker
        double highest = 10;
        for (LoadReport.SetupResult setup : setups) {
            for (LoadReport.RateResult rate : setup.rates()) {
                for (Spread spread : rate.latency().values()) {
                    lowest = Math.min(lowest, Math.max(spread.min(), 0.001));
                    highest = Math.max(highest, spread.max());
                }
            }
        }
        double low = Math.pow(10, Math.floor(Math.log10(lowest)));
        double high = Math.pow(10, Math.ceil(Math.log10(highest)));
        int width = LEFT + rates.size() * (PANEL_WIDTH + 40) + 20;
        int height = TOP + PANEL_HEIGHT + 90;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(text(LEFT, 22, "Latency per setup (ms, log scale): median of the windows, whisker = min–max; lower is better", 15, "start", "bold"));
        svg.append(text(LEFT, 40, escape(report.date() + " · " + report.machine().getOrDefault("cpu", "") + " · load average "
                + report.machine().getOrDefault("load average at the end (1, 5, 15 min)", "?")), 11, "start", "normal"));
        for (int s = 0; s < setups.size(); s++) {
            int x = LEFT + s * 170;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"50\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", x, COLOURS[s % COLOURS.length]));
            svg.append(text(x + 16, 60, escape(setups.get(s).name()), 12, "start", "normal"));
        }
        for (int r = 0; r < rates.size(); r++) {
            int x0 = LEFT + r * (PANEL_WIDTH + 40);
            int y0 = TOP + 10;
            svg.append(text(x0 + PANEL_WIDTH / 2, y0 + PANEL_HEIGHT + 45, rates.get(r) + " requests/s", 13, "middle", "bold"));
            // Grid lines at each power of ten, and at 2 and 5 times it.
            for (double decade = low; decade < high * 1.001; decade *= 10) {
                for (double step : new double[] {1, 2, 5}) {
                    double value = decade * step;
                    if (value > high * 1.001) {
                        break;
                    }
                    double y = y(value, low, high, y0);
                    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>%n", x0, y,
                            x0 + PANEL_WIDTH, y, step == 1 ? "#bbbbbb" : "#eeeeee"));
                    svg.append(text(x0 - 4, y + 4, label(value), 10, "end", "normal"));
                }
            }
            int groups = LoadReport.PERCENTILES.size();
            double groupWidth = PANEL_WIDTH / (double) groups;
            double barWidth = (groupWidth - 20) / Math.max(1, setups.size());
            for (int g = 0; g < groups; g++) {
                String percentile = LoadReport.PERCENTILES.get(g);
                double gx = x0 + g * groupWidth + 10;
                svg.append(text((int) (gx + (groupWidth - 20) / 2), y0 + PANEL_HEIGHT + 18, percentile, 12, "middle", "normal"));
                for (int s = 0; s < setups.size(); s++) {
                    int rate = rates.get(r);
                    var result = setups.get(s).at(rate);
                    if (result.isEmpty()) {
                        continue;
                    }
                    Spread spread = result.get().latency().get(percentile);
                    double bx = gx + s * barWidth;
                    double top = y(Math.max(spread.median(), low), low, high, y0);
                    double bottom = y0 + PANEL_HEIGHT;
                    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s %s: %s ms</title></rect>%n",
                            bx + 1, top, barWidth - 2, bottom - top, COLOURS[s % COLOURS.length], escape(setups.get(s).name()), rate, percentile,
                            escape(LoadReport.ms(spread))));
                    double cx = bx + barWidth / 2;
                    svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>%n", cx,
                            y(Math.max(spread.min(), low), low, high, y0), cx, y(Math.max(spread.max(), low), low, high, y0)));
                    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" text-anchor=\"middle\" "
                            + "transform=\"rotate(-90 %.1f %.1f)\" dx=\"%.1f\">%s</text>%n", cx + 3, top - 4, cx + 3, top - 4, 0.0, label(spread.median())));
                }
            }
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888888\"/>%n", x0, y0,
                    PANEL_WIDTH, PANEL_HEIGHT));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static double y(double value, double low, double high, int y0) {
        return y0 + PANEL_HEIGHT * (1 - (Math.log10(value) - Math.log10(low)) / (Math.log10(high) - Math.log10(low)));
    }

    private static String label(double ms) {
        if (ms >= 10) {
            return String.format(Locale.ROOT, "%.0f", ms);
        }
        if (ms >= 1) {
            return String.format(Locale.ROOT, "%.1f", ms);
        }
        return String.format(Locale.ROOT, "%.2f", ms).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static String text(int x, double y, String content, int size, String anchor, String weight) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\" font-weight=\"%s\">%s</text>%n", x, y, size,
                anchor, weight, content);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
