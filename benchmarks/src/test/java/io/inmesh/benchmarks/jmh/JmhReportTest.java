package io.inmesh.benchmarks.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JmhReportTest {

    /** Trimmed from what JMH 1.37 writes with -rf json and -prof gc. */
    private static final String JSON = """
            [
              {"benchmark": "io.inmesh.benchmarks.routing.RouteMatching.route", "mode": "avgt",
               "params": {"routes": "10000", "layout": "one-host"},
               "primaryMetric": {"score": 2.5, "scoreError": 0.25, "scoreUnit": "us/op", "rawData": [[2.0, 2.5, 3.0, 1.9]]},
               "secondaryMetrics": {"gc.alloc.rate": {"score": 100.0, "scoreUnit": "MB/sec"},
                                    "gc.alloc.rate.norm": {"score": 48.0, "scoreUnit": "B/op"}}},
              {"benchmark": "io.inmesh.benchmarks.config.ConfigCompile.loadAndCompile", "mode": "avgt",
               "params": {"resources": "10000"},
               "primaryMetric": {"score": 800.0, "scoreError": "NaN", "scoreUnit": "ms/op"},
               "secondaryMetrics": {}},
              {"benchmark": "io.inmesh.benchmarks.chain.OutboundChain.call", "mode": "avgt",
               "params": {"telemetry": "off"},
               "primaryMetric": {"score": 1500.0, "scoreError": 100.0, "scoreUnit": "ns/op"},
               "secondaryMetrics": {"·gc.alloc.rate.norm": {"score": 4096.0, "scoreUnit": "B/op"}}},
              {"benchmark": "io.inmesh.benchmarks.routing.WeightedPick.pick", "mode": "avgt",
               "primaryMetric": {"score": 12.0, "scoreError": 1.0, "scoreUnit": "ns/op"}}
            ]
            """;

    @Test
    void readsTimesInNanosAndBytesPerOperation() throws Exception {
        List<JmhReport.Row> rows = JmhReport.read(JSON);

        assertThat(rows).hasSize(4);
        assertThat(rows.get(0).nanos()).isEqualTo(2_500.0);
        assertThat(rows.get(0).errorNanos()).isEqualTo(250.0);
        assertThat(rows.get(0).bytesPerOp()).isEqualTo(48.0);
        assertThat(rows.get(0).medianNanos()).isEqualTo(2_250.0);
        assertThat(rows.get(1).medianNanos()).isEqualTo(8e8); // no iterations: the score
        assertThat(rows.get(0).label()).isEqualTo("RouteMatching.route routes=10000 layout=one-host");
        assertThat(rows.get(1).nanos()).isEqualTo(8e8);
        assertThat(rows.get(1).errorNanos()).isNaN();
        assertThat(rows.get(1).bytesPerOp()).isNaN();
        assertThat(rows.get(2).bytesPerOp()).isEqualTo(4096.0); // the name before JMH 1.36
        assertThat(rows.get(3).params()).isEmpty();
    }

    @Test
    void measuresRowsAgainstTheIssuesGoals() throws Exception {
        List<JmhReport.Row> rows = JmhReport.read(JSON);

        assertThat(JmhReport.goal(rows.get(0)).verdict(rows.get(0))).isEqualTo("misses (time ×2.3)");
        assertThat(JmhReport.goal(rows.get(1)).verdict(rows.get(1))).isEqualTo("meets");
        assertThat(JmhReport.goal(rows.get(2)).verdict(rows.get(2))).isEqualTo("misses (bytes ×4.1)");
        assertThat(JmhReport.goal(rows.get(3))).isNull();
    }

    @Test
    void writesATableRowPerResultWithTheMachineAndABarPerResult() throws Exception {
        List<JmhReport.Row> rows = JmhReport.read(JSON);

        String md = JmhReport.markdown(rows, Map.of("cpu", "Test CPU"), Instant.parse("2026-12-02T13:00:00Z"), "jmh.json", "jmh.svg");
        String svg = JmhReport.svg(rows);

        assertThat(md).contains("| RouteMatching.route | routes=10000, layout=one-host | 2.50 µs | 250.0 ns | 2.25 µs | 48 | route match over 10 000 routes < 1 µs | misses (time ×2.3) |")
                .contains("| ConfigCompile.loadAndCompile | resources=10000 | 800.0 ms |  | 800.0 ms |  | 10 000 resources parse, validate, compile < 1 s | meets |")
                .contains("| WeightedPick.pick |  | 12.0 ns | 1.0 ns | 12.0 ns |  |  |  |")
                .contains("| cpu | Test CPU |");
        assertThat(svg).startsWith("<svg").endsWith("</svg>\n");
        assertThat(svg.split("fill=\"#4a7ebb\"", -1)).hasSize(5);
        assertThat(svg.split("stroke=\"red\"", -1)).hasSize(4);
    }
}
