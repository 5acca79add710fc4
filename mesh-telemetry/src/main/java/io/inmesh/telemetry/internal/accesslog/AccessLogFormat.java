package io.inmesh.telemetry.internal.accesslog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How an {@link AccessLogEntry} becomes a line (without its newline, which the writer adds). */
enum AccessLogFormat {

    /**
     * Istio's default text format ({@code EnvoyTextLogFormat} of Istio's {@code telemetry_logging.go}):
     * <pre>
     * [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS%
     * %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED%
     * %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
     * "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS%
     * %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n
     * </pre>
     * on one line; a missing value is {@code -}, as Envoy writes it. Unlike Envoy, control characters
     * in a value (a header set by the application) become spaces, so that a line stays one line.
     */
    TEXT {
        @Override
        String line(AccessLogEntry e) {
            StringBuilder line = new StringBuilder(320);
            line.append('[').append(START_TIME.format(e.startTime())).append("] \"")
                    .append(e.method()).append(' ').append(v(e.path())).append(' ').append(v(e.protocol())).append("\" ")
                    .append(e.responseCode()).append(' ')
                    .append(v(e.responseFlags())).append(' ')
                    .append(v(e.responseCodeDetails())).append(' ')
                    .append(v(e.connectionTerminationDetails())).append(" \"")
                    .append(v(e.upstreamTransportFailureReason())).append("\" ")
                    .append(e.bytesReceived()).append(' ')
                    .append(e.bytesSent()).append(' ')
                    .append(e.durationMillis()).append(' ')
                    .append(v(e.upstreamServiceTime())).append(" \"")
                    .append(v(e.xForwardedFor())).append("\" \"")
                    .append(v(e.userAgent())).append("\" \"")
                    .append(v(e.requestId())).append("\" \"")
                    .append(v(e.authority())).append("\" \"")
                    .append(v(e.upstreamHost())).append("\" ")
                    .append(v(e.upstreamCluster())).append(' ')
                    .append(v(e.upstreamLocalAddress())).append(' ')
                    .append(v(e.downstreamLocalAddress())).append(' ')
                    .append(v(e.downstreamRemoteAddress())).append(' ')
                    .append(v(e.requestedServerName())).append(' ')
                    .append(v(e.routeName()));
            return line.toString();
        }
    },

    /**
     * Istio's {@code accessLogEncoding: JSON}: the keys of Istio's {@code EnvoyJSONLogFormatIstio}, in
     * the text format's order, plus {@code trace_id} (Envoy's {@code %TRACE_ID%}) when the request
     * carries a W3C {@code traceparent}. As Envoy's JSON formatter writes them, the response code,
     * bytes and duration are numbers and a missing value is {@code null}.
     */
    JSON {
        @Override
        String line(AccessLogEntry e) {
            StringWriter out = new StringWriter(640);
            try (JsonGenerator json = JSON_FACTORY.createGenerator(out)) {
                json.writeStartObject();
                json.writeStringField("start_time", START_TIME.format(e.startTime()));
                string(json, "method", e.method());
                string(json, "path", e.path());
                string(json, "protocol", e.protocol());
                json.writeNumberField("response_code", e.responseCode());
                string(json, "response_flags", e.responseFlags());
                string(json, "response_code_details", e.responseCodeDetails());
                string(json, "connection_termination_details", e.connectionTerminationDetails());
                string(json, "upstream_transport_failure_reason", e.upstreamTransportFailureReason());
                json.writeNumberField("bytes_received", e.bytesReceived());
                json.writeNumberField("bytes_sent", e.bytesSent());
                json.writeNumberField("duration", e.durationMillis());
                string(json, "upstream_service_time", e.upstreamServiceTime());
                string(json, "x_forwarded_for", e.xForwardedFor());
                string(json, "user_agent", e.userAgent());
                string(json, "request_id", e.requestId());
                string(json, "authority", e.authority());
                string(json, "upstream_host", e.upstreamHost());
                string(json, "upstream_cluster", e.upstreamCluster());
                string(json, "upstream_local_address", e.upstreamLocalAddress());
                string(json, "downstream_local_address", e.downstreamLocalAddress());
                string(json, "downstream_remote_address", e.downstreamRemoteAddress());
                string(json, "requested_server_name", e.requestedServerName());
                string(json, "route_name", e.routeName());
                if (e.traceId() != null) {
                    json.writeStringField("trace_id", e.traceId());
                }
                json.writeEndObject();
            } catch (IOException impossible) { // a StringWriter does not fail
                throw new UncheckedIOException(impossible);
            }
            return out.toString();
        }
    };

    /** Envoy's default {@code %START_TIME%}: UTC, milliseconds. */
    static final DateTimeFormatter START_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final JsonFactory JSON_FACTORY = JsonFactory.builder().build();

    /** The line for {@code entry}, without a newline. */
    abstract String line(AccessLogEntry entry);

    private static String v(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return withoutControls(value);
            }
        }
        return value;
    }

    private static String withoutControls(String value) {
        StringBuilder clean = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            clean.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return clean.toString();
    }

    private static void string(JsonGenerator json, String key, String value) throws IOException {
        if (value == null) {
            json.writeNullField(key);
        } else {
            json.writeStringField(key, value);
        }
    }
}
