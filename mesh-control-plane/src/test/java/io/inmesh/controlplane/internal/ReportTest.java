package io.inmesh.controlplane.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static final String HASH = "3f2ac0" + "0".repeat(58);

    private static Report parse(String json) {
        return Report.parse(Json.read(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsANackAndFormatsItsFirstError() {
        Report report = parse("""
                {"namespace":"bookinfo","name":"productpage-v1","instance":"pod-7f9c","version":7,"hash":"%s","status":"NACK",
                 "extra":{"ignored":true},
                 "diagnostics":[{"severity":"warning","source":"a.yaml","line":1,"column":1,"message":"w"},
                  {"severity":"error","source":"bookinfo/reviews.yaml","line":12,"column":9,"resource":"VirtualService/bookinfo/reviews",
                   "field":"spec.http[0].route[1].weight","message":"weight: 150 (expected: 0..100)"}]}""".formatted(HASH));

        assertThat(report.workload()).isEqualTo(new WorkloadId("bookinfo", "productpage-v1", "pod-7f9c"));
        assertThat(report.version()).isEqualTo(7);
        assertThat(report.nack()).isTrue();
        assertThat(report.diagnostics()).hasSize(2);
        assertThat(report.reason()).isEqualTo("bookinfo/reviews.yaml:12:9: error: VirtualService/bookinfo/reviews:"
                + " spec.http[0].route[1].weight: weight: 150 (expected: 0..100)");
    }

    @Test
    void anAckHasNoReasonAndTheInstanceDefaultsToTheName() {
        Report report = parse("{\"namespace\":\"a\",\"name\":\"b\",\"version\":1,\"hash\":\"" + HASH + "\",\"status\":\"ACK\"}");

        assertThat(report.workload().instance()).isEqualTo("b");
        assertThat(report.nack()).isFalse();
        assertThat(report.reason()).isNull();
    }

    @Test
    void namesTheFieldThatIsWrong() {
        String valid = "\"namespace\":\"a\",\"name\":\"b\",\"hash\":\"" + HASH + "\"";
        assertBad("{,}", "report: not JSON");
        assertBad("", "not a JSON object");
        assertBad("\"ACK\"", "not a JSON object");
        assertBad("{" + valid + ",\"version\":1}", "report: status: missing (expected: a string)");
        assertBad("{" + valid + ",\"version\":1.5,\"status\":\"ACK\"}", "version: 1.5 (expected: the version reported on");
        assertBad("{" + valid + ",\"version\":\"1\",\"status\":\"ACK\"}", "version: \"1\"");
        assertBad("{\"namespace\":\"a\",\"name\":\"b\",\"hash\":\"ABC\",\"version\":1,\"status\":\"ACK\"}", "hash: \"ABC\" (expected: 64");
        assertBad("{" + valid + ",\"version\":1,\"status\":\"ack\"}", "status: \"ack\" (expected: ACK or NACK)");
        assertBad("{" + valid + ",\"version\":1,\"status\":\"NACK\",\"diagnostics\":{}}", "diagnostics: {} (expected: an array");
        assertBad("{" + valid + ",\"version\":1,\"status\":\"NACK\",\"diagnostics\":[" + "{},".repeat(100) + "{}]}",
                "diagnostics: 101 entries (expected: an array of at most 100");
        assertBad("{" + valid + ",\"version\":1,\"status\":\"NACK\",\"diagnostics\":[{\"severity\":\"fatal\",\"source\":\"x\",\"message\":\"m\"}]}",
                "diagnostics[0].severity: \"fatal\" (expected: error or warning)");
        assertBad("{" + valid + ",\"version\":1,\"status\":\"NACK\",\"diagnostics\":[{\"severity\":\"error\",\"source\":\"x\",\"message\":\"m\","
                + "\"line\":-1}]}", "diagnostics[0].line: -1");
        assertBad("{\"namespace\":\"A\",\"name\":\"b\",\"version\":1,\"hash\":\"" + HASH + "\",\"status\":\"ACK\"}", "namespace: \"A\"");
    }

    private static void assertBad(String json, String message) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(BadRequest.class).hasMessageContaining(message);
    }
}
