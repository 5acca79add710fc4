package io.inmesh.benchmarks.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads the control plane's {@code GET /status} (protocol §5). */
final class StatusReader {

    /** What status says of one workload. */
    record Workload(String namespace, String name, String instance, boolean connected, long sentVersion, long reportedVersion,
                    String status, Instant lastSeen) {

        /** Whether it has acknowledged {@code version} as the last version sent to it. */
        boolean acked(long version) {
            return connected && sentVersion == version && reportedVersion == version && "ACK".equals(status);
        }
    }

    /** The published version (0 before the first) and the workloads. */
    record Status(long version, Instant publishedAt, List<Workload> workloads) {

        /** How many workloads acknowledged {@code version}. */
        long acked(long version) {
            return workloads.stream().filter(w -> w.acked(version)).count();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpRequest request;

    StatusReader(URI controlPlane) {
        this.request = HttpRequest.newBuilder(controlPlane.resolve("/status")).timeout(Duration.ofSeconds(30)).GET().build();
    }

    Status read() {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + request.uri(), e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + request.uri() + ": " + response.statusCode() + " (expected: 200)");
        }
        try {
            return parse(JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new IllegalStateException("GET " + request.uri() + ": not JSON: " + e.getMessage(), e);
        }
    }

    private static Status parse(JsonNode status) {
        List<Workload> workloads = new ArrayList<>();
        for (JsonNode w : status.path("workloads")) {
            workloads.add(new Workload(w.path("namespace").asText(), w.path("name").asText(), w.path("instance").asText(),
                    w.path("connected").asBoolean(), w.path("sentVersion").asLong(0), w.path("reportedVersion").asLong(0),
                    w.path("status").asText(), instant(w.path("lastSeen"))));
        }
        return new Status(status.path("version").asLong(0), instant(status.path("publishedAt")), List.copyOf(workloads));
    }

    private static Instant instant(JsonNode node) {
        return node.isTextual() ? Instant.parse(node.asText()) : null;
    }
}
