package io.inmesh.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class LoadReportTest {

    @TempDir
    Path directory;

    private static LoadReport.Window window(double p50, double cpu) {
        return new LoadReport.Window(p50, p50 * 2, p50 * 4, p50 * 8, p50 * 10, 3000, cpu);
    }

    private static LoadReport.SetupResult setup(String name, double base, int saturation) {
        List<LoadReport.RateResult> rates = List.of(
                LoadReport.RateResult.of(1000, List.of(window(base, 50), window(base * 1.2, 60), window(base * 0.9, 40)), 0, 0, 0.01, false),
                LoadReport.RateResult.of(5000, List.of(window(base * 2, 30), window(base * 2.2, 35), window(base * 1.8, 25)), 0, 0, 0.02, false));
        return new LoadReport.SetupResult(name, "what " + name + " is", rates, new LoadReport.Memory(200_000, 180_000, 50_000, 8_000, 262_144),
                saturation, false, List.of(new LoadReport.SaturationStep(10_000, 4.2, true, 0.01), new LoadReport.SaturationStep(20_000, 1e9, false, 3)),
                null, 4);
    }

    private static LoadReport report() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("windows", 3);
        settings.put("windowSeconds", 3);
        settings.put("saturationP99Ms", 10.0);
        settings.put("saturationWindowSeconds", 2);
        List<LoadReport.SetupResult> setups = List.of(setup("floor", 0.1, 20_000), setup("raw app hop", 0.2, 10_000),
                setup("inmesh app hop", 0.25, 9_000),
                new LoadReport.SetupResult("sidecar pair", "two proxies", List.of(), null, 0, false, List.of(), "haproxy not found", 0));
        return new LoadReport("2026-12-02T12:00:00Z", Map.of("cpu", "Test CPU <2 cores>", "load average at the end (1, 5, 15 min)", "1, 2, 3"),
                settings, List.of(new LoadReport.Jitter(50, 60, 70, 80, 90)), setups, List.of("inmesh + mTLS: not yet")).withAddedOver("raw app hop");
    }

    @Test
    void addedLatencyIsTheMedianMinusTheRawAppHopsMedianPerPercentileAndRate() {
        LoadReport.RateResult inmesh = report().setups().get(2).at(1000).orElseThrow();
        assertThat(inmesh.latency().get("p50")).isEqualTo(new Spread(0.25, 0.225, 0.3));
        assertThat(inmesh.addedOverRawApp().get("p50").median()).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(inmesh.addedOverRawApp().get("p99").median()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(inmesh.cpuMicrosPerRequest()).isEqualTo(new Spread(50, 40, 60));
        assertThat(report().setups().get(1).at(5000).orElseThrow().addedOverRawApp().get("p99.9").median()).isZero();
    }

    @Test
    void writesTheJsonTheTableAndAChartThatIsWellFormedSvg() throws Exception {
        report().write(directory, "load");

        JsonNode json = new ObjectMapper().readTree(directory.resolve("load.json").toFile());
        assertThat(json.path("setups")).hasSize(4);
        assertThat(json.path("setups").get(2).path("rates").get(0).path("latency").path("p99").path("median").asDouble()).isEqualTo(1.0);
        assertThat(json.path("machine").path("cpu").asText()).isEqualTo("Test CPU <2 cores>");

        String md = Files.readString(directory.resolve("load.md"));
        assertThat(md).contains("| inmesh app hop | 1000 rps | 0.250 [0.225–0.300] | 0.500 [0.450–0.600] | 1.000 [0.900–1.200] | 2.000 [1.800–2.400] "
                + "| +50 / +100 / +200 / +400 | 50 [40–60] | 0 |");
        assertThat(md).contains("| inmesh app hop | 9000 rps | 0.90 | 10000: 4.20, 20000: >1 s ✗ | 195 MiB (JVM 175 MiB) | 48.8 / 7.8 / 256 MiB | 4 s |");
        assertThat(md).contains("| sidecar pair | | not run: haproxy not found |");
        assertThat(md).contains("inmesh + mTLS: not yet").contains("| cpu | Test CPU <2 cores> |");

        // The JSON reads back into the same report, so the table and chart can be written again from it.
        assertThat(LoadReport.read(directory.resolve("load.json")).markdown("load")).isEqualTo(md);

        String svg = Files.readString(directory.resolve("load.svg"));
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document document = factory.newDocumentBuilder().parse(directory.resolve("load.svg").toFile());
        assertThat(document.getDocumentElement().getLocalName()).isEqualTo("svg");
        // One bar per setup that ran, percentile and rate: 3 × 4 × 2, each with its tooltip.
        assertThat(document.getElementsByTagName("title").getLength()).isEqualTo(24);
        assertThat(svg).contains("1000 requests/s").contains("5000 requests/s").contains("Test CPU &lt;2 cores&gt;").doesNotContain("sidecar pair");
    }
}
