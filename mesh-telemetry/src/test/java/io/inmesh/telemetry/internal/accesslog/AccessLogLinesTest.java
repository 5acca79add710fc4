package io.inmesh.telemetry.internal.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inmesh.core.LocalWorkload;
import io.inmesh.core.http.Downstream;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.http.Upstream;
import io.inmesh.core.telemetry.CallRecord;
import io.inmesh.telemetry.AccessLog;
import io.inmesh.telemetry.internal.CompletedCall;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The lines themselves, for calls put together by hand: every field, every mapped detail, JSON escaping, sampling. */
class AccessLogLinesTest {

    private static final Instant START = Instant.parse("2026-12-02T10:00:00.123456Z");
    private static final LocalWorkload PRODUCTPAGE = LocalWorkload.of("productpage-v1", "default", Map.of("app", "productpage"));
    private static final String REVIEWS = "http://reviews.default.svc.cluster.local:9080/reviews/0?u=jason";
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON keys of Istio's EnvoyJSONLogFormatIstio, in the order of the text format. */
    static final List<String> ISTIO_JSON_KEYS = List.of("start_time", "method", "path", "protocol", "response_code", "response_flags",
            "response_code_details", "connection_termination_details", "upstream_transport_failure_reason", "bytes_received",
            "bytes_sent", "duration", "upstream_service_time", "x_forwarded_for", "user_agent", "request_id", "authority",
            "upstream_host", "upstream_cluster", "upstream_local_address", "downstream_local_address", "downstream_remote_address",
            "requested_server_name", "route_name");

    @Test
    void anOutboundCallInIstiosDefaultTextFormat() {
        CallRecord record = outbound();
        record.routed("default/reviews", "reviews-v1-route", "reviews.default.svc.cluster.local", "v1", 9080);
        record.sending(new Upstream("10.0.0.7", 9080, "reviews.default.svc.cluster.local|v1|9080"));
        MeshRequest request = MeshRequest.builder(HttpMethod.GET, REVIEWS)
                .header("user-agent", "curl/8.5.0").header("x-request-id", "5bd2f5a1-7d3c-9b1e-a0f4-6c8e2d7b3f10").build();
        CompletedCall call = completed(record, request, 200, Set.of(), headers("x-envoy-upstream-service-time", "4"), 0, 358, 5_999_999, null);

        assertThat(AccessLogFormat.TEXT.line(AccessLogEntry.of(call))).isEqualTo("[2026-12-02T10:00:00.123Z] \"GET /reviews/0?u=jason HTTP/1.1\" 200 - "
                + "via_upstream - \"-\" 0 358 5 4 \"-\" \"curl/8.5.0\" \"5bd2f5a1-7d3c-9b1e-a0f4-6c8e2d7b3f10\" "
                + "\"reviews.default.svc.cluster.local:9080\" \"10.0.0.7:9080\" outbound|9080|v1|reviews.default.svc.cluster.local "
                + "- - - - reviews-v1-route");
    }

    @Test
    void anInboundCallLogsTheConnectionAndTheLocalHandlerAsItsUpstream() {
        CallRecord record = new CallRecord(CallRecord.Direction.INBOUND, 0, START);
        MeshRequest request = MeshRequest.builder(HttpMethod.POST, "http://reviews.default.svc.cluster.local:9080/reviews/0")
                .header("x-forwarded-for", "10.0.0.3")
                .attribute(Downstream.KEY, new Downstream(new InetSocketAddress("10.0.0.3", 51234), new InetSocketAddress("10.0.0.7", 9080), "HTTP/2"))
                .build();
        CompletedCall call = completed(record, request, 201, Set.of(), EmptyHttpHeaders.INSTANCE, 12, 0, 1_000_000, null);

        assertThat(AccessLogFormat.TEXT.line(AccessLogEntry.of(call))).isEqualTo("[2026-12-02T10:00:00.123Z] \"POST /reviews/0 HTTP/2\" 201 - "
                + "via_upstream - \"-\" 12 0 1 - \"10.0.0.3\" \"-\" \"-\" \"reviews.default.svc.cluster.local:9080\" \"10.0.0.7:9080\" "
                + "inbound|9080|| - 10.0.0.7:9080 10.0.0.3:51234 - default");
    }

    @Test
    void meshFailuresCarryTheirFlagsAndEnvoysDetails() {
        assertThat(fields(failed(new MeshException.NoRoute("no route"), false)))
                .containsEntry("code", "404").containsEntry("flags", "NR").containsEntry("details", "route_not_found")
                .containsEntry("upstreamCluster", "-").containsEntry("upstreamHost", "-").containsEntry("route", "-");
        assertThat(fields(failed(new MeshException.UpstreamOverflow("pending requests of reviews full"), true)))
                .containsEntry("code", "503").containsEntry("flags", "UO")
                .containsEntry("details", "upstream_reset_before_response_started{overflow}")
                .containsEntry("upstreamCluster", "outbound|9080||reviews.default.svc.cluster.local").containsEntry("route", "default");
        assertThat(fields(failed(new MeshException.UpstreamTimeout("upstream request timeout: the route timeout 1s passed"), true)))
                .containsEntry("code", "504").containsEntry("flags", "UT").containsEntry("details", "response_timeout");
        MeshException perTry = new MeshException.UpstreamTimeout("upstream request timeout: no response from reviews within the per-try timeout 100ms")
                .withFlag(ResponseFlag.URX);
        assertThat(fields(failed(perTry, true)))
                .containsEntry("code", "504").containsEntry("flags", "UT,URX").containsEntry("details", "upstream_per_try_timeout");
        assertThat(fields(failed(new MeshException.NoHealthyUpstream("none"), true))).containsEntry("details", "no_healthy_upstream");
        assertThat(fields(failed(new MeshException.UpstreamReset("reset", null), true)))
                .containsEntry("details", "upstream_reset_before_response_started{connection_termination}");
        assertThat(fields(failed(new MeshException(503, ResponseFlag.NC, "no cluster"), true)))
                .containsEntry("details", "cluster_not_found").containsEntry("upstreamCluster", "-");
        MeshException refused = new MeshException.UpstreamConnectFailure("connect failed", new ConnectException("Connection refused: /10.0.0.7:9080"));
        assertThat(fields(failed(refused, true)))
                .containsEntry("flags", "UF").containsEntry("details", "upstream_reset_before_response_started{connection_failure}")
                .containsEntry("transportFailure", "Connection_refused:_/10.0.0.7:9080");
    }

    @Test
    void responsesTheMeshShapedOrTheCallerAbandoned() {
        CallRecord aborted = routedRecord();
        assertThat(fields(completed(aborted, get(), 503, Set.of(ResponseFlag.FI), EmptyHttpHeaders.INSTANCE, 0, 18, 1, null)))
                .containsEntry("flags", "FI").containsEntry("details", "fault_filter_abort");

        CallRecord retried = routedRecord();
        retried.sending(new Upstream("10.0.0.7", 9080, "c"));
        retried.sending(new Upstream("10.0.0.8", 9080, "c"));
        assertThat(fields(completed(retried, get(), 503, orderedFlags(ResponseFlag.DI, ResponseFlag.URX), EmptyHttpHeaders.INSTANCE, 0, 4, 1, null)))
                .containsEntry("flags", "DI,URX").containsEntry("details", "via_upstream").containsEntry("upstreamHost", "10.0.0.8:9080");

        CallRecord redirected = outbound();
        redirected.routed("default/reviews", "moved", null, null, 0);
        assertThat(fields(completed(redirected, get(), 301, Set.of(), EmptyHttpHeaders.INSTANCE, 0, 0, 1, null)))
                .containsEntry("details", "direct_response").containsEntry("upstreamCluster", "-").containsEntry("route", "moved");

        CompletedCall cancelled = new CompletedCall(routedRecord(), get(), PRODUCTPAGE, null, 0, Set.of(), EmptyHttpHeaders.INSTANCE, 0, 0, 1,
                CompletedCall.End.CANCELLED, null);
        assertThat(fields(cancelled)).containsEntry("code", "0").containsEntry("details", "downstream_remote_disconnect");
    }

    @Test
    void jsonHasIstiosKeysTypedAsEnvoyWritesThemAndTheTraceId() throws Exception {
        CallRecord record = routedRecord();
        record.sending(new Upstream("::1", 9080, "c"));
        MeshRequest request = MeshRequest.builder(HttpMethod.GET, REVIEWS).header("traceparent", TRACEPARENT).build();
        JsonNode json = JSON.readTree(AccessLogFormat.JSON.line(AccessLogEntry.of(
                completed(record, request, 200, Set.of(), EmptyHttpHeaders.INSTANCE, 0, 358, 7_500_000, null))));

        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        List<String> expected = new ArrayList<>(ISTIO_JSON_KEYS);
        expected.add("trace_id");
        assertThat(keys).containsExactlyElementsOf(expected);
        assertThat(json.get("start_time").asText()).isEqualTo("2026-12-02T10:00:00.123Z");
        assertThat(json.get("response_code").isInt()).isTrue();
        assertThat(json.get("response_code").asInt()).isEqualTo(200);
        assertThat(json.get("bytes_sent").asLong()).isEqualTo(358);
        assertThat(json.get("duration").asLong()).isEqualTo(7);
        assertThat(json.get("response_flags").asText()).isEqualTo("-");
        assertThat(json.get("user_agent").isNull()).as("a missing value is null").isTrue();
        assertThat(json.get("upstream_host").asText()).isEqualTo("[::1]:9080");
        assertThat(json.get("route_name").asText()).isEqualTo("default");
        assertThat(json.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");

        JsonNode untraced = JSON.readTree(AccessLogFormat.JSON.line(AccessLogEntry.of(completed(routedRecord(),
                MeshRequest.builder(HttpMethod.GET, REVIEWS).header("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01").build(),
                200, Set.of(), EmptyHttpHeaders.INSTANCE, 0, 0, 0, null))));
        assertThat(untraced.has("trace_id")).as("an all-zero trace id is invalid").isFalse();
    }

    @Test
    void hostileValuesStayInsideTheirJsonStringAndTheTextLineStaysOneLine() throws Exception {
        // Netty refuses CR, LF and NUL in header values; what it lets through reaches the line as it is.
        String passes = "a\"b\\c\td\u2028e\uD83D\uDE00f</script>\",\"response_code\":999";
        MeshRequest request = MeshRequest.builder(HttpMethod.GET, REVIEWS).header("user-agent", passes).header("x-request-id", "\"}{").build();
        CompletedCall call = completed(routedRecord(), request, 200, Set.of(), EmptyHttpHeaders.INSTANCE, 0, 0, 0, null);
        JsonNode json = JSON.readTree(AccessLogFormat.JSON.line(AccessLogEntry.of(call)));
        assertThat(json.get("user_agent").asText()).isEqualTo(passes);
        assertThat(json.get("request_id").asText()).isEqualTo("\"}{");
        assertThat(json.get("response_code").asInt()).isEqualTo(200);
        assertThat(json.size()).isEqualTo(ISTIO_JSON_KEYS.size());

        // Whatever a value holds, a JSON line is one line that parses back to it.
        String hostile = passes + "\n\r\u0000\u001b[31m\u007f\uDC00";
        AccessLogEntry entry = withUserAgent(AccessLogEntry.of(call), hostile);
        String line = AccessLogFormat.JSON.line(entry);
        assertThat(line).doesNotContain("\n", "\r", "\u0000", "\u001b");
        assertThat(JSON.readTree(line).get("user_agent").asText()).isEqualTo(hostile);

        String text = AccessLogFormat.TEXT.line(entry);
        assertThat(text).doesNotContain("\n", "\r", "\u0000", "\u001b", "\u007f").contains(" \"a\"b\\c d\u2028e");
    }

    @Test
    void aSampleRatioLogsThatShareOfCallsWithinABinomialTolerance() {
        int calls = 20_000;
        double ratio = 0.1;
        List<String> lines = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(20261202L);
        AccessLogObserver observer = new AccessLogObserver(AccessLog.text().sampled(ratio), random::nextDouble, lines::add);
        CompletedCall call = completed(routedRecord(), get(), 200, Set.of(), EmptyHttpHeaders.INSTANCE, 0, 0, 0, null);
        for (int i = 0; i < calls; i++) {
            observer.onEnd(call);
        }
        // 4.5 standard deviations of Binomial(20000, 0.1): sqrt(20000 * 0.1 * 0.9) = 42.4, so 2000 ± 191.
        double sigma = Math.sqrt(calls * ratio * (1 - ratio));
        assertThat((double) lines.size()).isBetween(calls * ratio - 4.5 * sigma, calls * ratio + 4.5 * sigma);

        List<String> all = new ArrayList<>();
        AccessLogObserver unsampled = new AccessLogObserver(AccessLog.json(), () -> {
            throw new AssertionError("no draw when every call is logged");
        }, all::add);
        for (int i = 0; i < 100; i++) {
            unsampled.onEnd(call);
        }
        assertThat(all).hasSize(100);
    }

    @Test
    void offMakesNoObserver() {
        assertThat(AccessLogObserver.of(AccessLog.off())).isEmpty();
        assertThat(AccessLogObserver.of(AccessLog.text().to(line -> { }))).isPresent();
    }

    // --- the parts

    private static final java.util.regex.Pattern TEXT_LINE = java.util.regex.Pattern.compile("^\\[(?<start>[^\\]]+)] "
            + "\"(?<method>\\S+) (?<path>\\S+) (?<protocol>\\S+)\" (?<code>\\d+) (?<flags>\\S+) (?<details>\\S+) (?<termination>\\S+) "
            + "\"(?<transportFailure>[^\"]*)\" (?<received>\\d+) (?<sent>\\d+) (?<duration>\\d+) (?<serviceTime>\\S+) "
            + "\"(?<forwardedFor>[^\"]*)\" \"(?<userAgent>[^\"]*)\" \"(?<requestId>[^\"]*)\" \"(?<authority>[^\"]*)\" "
            + "\"(?<upstreamHost>[^\"]*)\" (?<upstreamCluster>\\S+) (?<upstreamLocal>\\S+) (?<downstreamLocal>\\S+) "
            + "(?<downstreamRemote>\\S+) (?<serverName>\\S+) (?<route>\\S+)$");

    /** The fields of a text line, parsed back by the shape of Istio's default format. */
    static Map<String, String> parse(String line) {
        java.util.regex.Matcher m = TEXT_LINE.matcher(line);
        assertThat(m.matches()).as("Istio's default format: %s", line).isTrue();
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        for (String name : List.of("start", "method", "path", "protocol", "code", "flags", "details", "termination", "transportFailure",
                "received", "sent", "duration", "serviceTime", "forwardedFor", "userAgent", "requestId", "authority", "upstreamHost",
                "upstreamCluster", "upstreamLocal", "downstreamLocal", "downstreamRemote", "serverName", "route")) {
            fields.put(name, m.group(name));
        }
        return fields;
    }

    private static Map<String, String> fields(CompletedCall call) {
        return parse(AccessLogFormat.TEXT.line(AccessLogEntry.of(call)));
    }

    private static CallRecord outbound() {
        return new CallRecord(CallRecord.Direction.OUTBOUND, 0, START);
    }

    private static CallRecord routedRecord() {
        CallRecord record = outbound();
        record.routed(null, null, "reviews.default.svc.cluster.local", null, 9080);
        return record;
    }

    private static MeshRequest get() {
        return MeshRequest.builder(HttpMethod.GET, REVIEWS).build();
    }

    private static CompletedCall failed(MeshException failure, boolean routed) {
        CallRecord record = routed ? routedRecord() : outbound();
        return new CompletedCall(record, get(), PRODUCTPAGE, null, failure.status(), failure.flags(), EmptyHttpHeaders.INSTANCE, 0, 0,
                2_000_000, CompletedCall.End.FAILED, failure);
    }

    private static CompletedCall completed(CallRecord record, MeshRequest request, int status, Set<ResponseFlag> flags, HttpHeaders headers,
            long received, long sent, long nanos, Throwable failure) {
        return new CompletedCall(record, request, PRODUCTPAGE, null, status, flags, headers, received, sent, nanos,
                CompletedCall.End.COMPLETED, failure);
    }

    private static AccessLogEntry withUserAgent(AccessLogEntry e, String userAgent) {
        return new AccessLogEntry(e.startTime(), e.method(), e.path(), e.protocol(), e.responseCode(), e.responseFlags(),
                e.responseCodeDetails(), e.connectionTerminationDetails(), e.upstreamTransportFailureReason(), e.bytesReceived(),
                e.bytesSent(), e.durationMillis(), e.upstreamServiceTime(), e.xForwardedFor(), userAgent, e.requestId(), e.authority(),
                e.upstreamHost(), e.upstreamCluster(), e.upstreamLocalAddress(), e.downstreamLocalAddress(), e.downstreamRemoteAddress(),
                e.requestedServerName(), e.routeName(), e.traceId());
    }

    private static HttpHeaders headers(String name, String value) {
        return new DefaultHttpHeaders().add(name, value);
    }

    private static Set<ResponseFlag> orderedFlags(ResponseFlag... flags) {
        return new LinkedHashSet<>(List.of(flags));
    }
}
