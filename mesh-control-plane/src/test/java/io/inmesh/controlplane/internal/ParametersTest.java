package io.inmesh.controlplane.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inmesh.core.LocalWorkload;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParametersTest {

    @Test
    void readsAWorkload() {
        Map.Entry<LocalWorkload, WorkloadId> who = Parameters.workload(Map.of("namespace", List.of("bookinfo"),
                "name", List.of("productpage-v1"), "labels", List.of("app=productpage,version=v1,example.com/tier="),
                "instance", List.of("pod-7f9c")));

        assertThat(who.getKey()).isEqualTo(LocalWorkload.of("productpage-v1", "bookinfo",
                Map.of("app", "productpage", "version", "v1", "example.com/tier", "")));
        assertThat(who.getValue()).isEqualTo(new WorkloadId("bookinfo", "productpage-v1", "pod-7f9c"));
    }

    @Test
    void theInstanceDefaultsToTheNameAndLabelsToNone() {
        Map.Entry<LocalWorkload, WorkloadId> who = Parameters.workload(Map.of("namespace", List.of("a"), "name", List.of("b")));

        assertThat(who.getKey().labels()).isEmpty();
        assertThat(who.getValue().instance()).isEqualTo("b");
    }

    @Test
    void namesTheParameterAndWhatWasExpected() {
        assertBad(Map.of("name", List.of("b")), "query parameter namespace: missing (expected: the workload's namespace");
        assertBad(Map.of("namespace", List.of("a")), "query parameter name: missing");
        assertBad(Map.of("namespace", List.of("a", "b"), "name", List.of("b")), "namespace: given 2 times (expected: once)");
        assertBad(Map.of("namespace", List.of("-a"), "name", List.of("b")), "namespace: \"-a\" (expected: a DNS-1123 label");
        assertBad(Map.of("namespace", List.of("a".repeat(64)), "name", List.of("b")), "DNS-1123 label");
        assertBad(Map.of("namespace", List.of("a"), "name", List.of("B")), "name: \"B\" (expected: a DNS-1123 subdomain");
        assertBad(Map.of("namespace", List.of("a"), "name", List.of("b"), "labels", List.of("app")), "labels: \"app\": \"app\"");
        assertBad(Map.of("namespace", List.of("a"), "name", List.of("b"), "labels", List.of("a=1,,b=2")), "expected: key=value pairs");
        assertBad(Map.of("namespace", List.of("a"), "name", List.of("b"), "labels", List.of("a=1=2")), "expected: key=value pairs");
        assertBad(Map.of("namespace", List.of("a"), "name", List.of("b"), "labels", List.of("a=1,a=2")), "key \"a\" given twice");
        assertBad(Map.of("namespace", List.of("a"), "name", List.of("b"), "instance", List.of("")), "instance: \"\" (expected: 1 to 253");
        assertBad(Map.of("namespace", List.of("a"), "name", List.of("b"), "instance", List.of("a\nb")), "without control characters");
    }

    private static void assertBad(Map<String, List<String>> query, String message) {
        assertThatThrownBy(() -> Parameters.workload(query)).isInstanceOf(BadRequest.class).hasMessageContaining(message)
                .extracting(e -> ((BadRequest) e).status()).isEqualTo(400);
    }
}
