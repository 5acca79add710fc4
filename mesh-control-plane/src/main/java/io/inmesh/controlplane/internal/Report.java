package io.inmesh.controlplane.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.Severity;
import io.inmesh.core.config.SourceLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a workload did with one version (protocol §5): ACK (in force) or NACK (refused), with diagnostics.
 *
 * @param workload who reports
 * @param version the version reported on
 * @param hash that version's hash
 * @param status {@code ACK} or {@code NACK}
 * @param diagnostics why, at most {@value #MAX_DIAGNOSTICS}
 */
public record Report(WorkloadId workload, long version, String hash, String status, List<Diagnostic> diagnostics) {

    /** The most diagnostics a report may carry. */
    public static final int MAX_DIAGNOSTICS = 100;
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    public Report {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(status, "status");
        diagnostics = List.copyOf(diagnostics);
    }

    /** Whether this report refuses its version. */
    public boolean nack() {
        return "NACK".equals(status);
    }

    /** The first error as {@code FILE:LINE:COL: error: Kind/ns/name: field: message}, or {@code null}. */
    public String reason() {
        return diagnostics.stream().filter(Diagnostic::isError).findFirst()
                .or(() -> diagnostics.stream().findFirst())
                .map(Diagnostic::format)
                .orElse(nack() ? "NACK without diagnostics" : null);
    }

    /** Reads a report body; a {@link BadRequest} names the first field that is missing or wrong. */
    public static Report parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new BadRequest("report: not a JSON object (expected: {\"namespace\", \"name\", \"instance\", \"version\", \"hash\","
                    + " \"status\", \"diagnostics\"})");
        }
        String namespace = Parameters.namespace(text(body, "namespace", true));
        String name = Parameters.name(text(body, "name", true));
        String instance = Parameters.instance(text(body, "instance", false), name);
        JsonNode version = body.get("version");
        if (version == null || !version.canConvertToExactIntegral() || !version.canConvertToLong() || version.asLong() < 1) {
            throw new BadRequest("report: version: " + describe(version) + " (expected: the version reported on, a positive integer)");
        }
        String hash = text(body, "hash", true);
        if (!HASH.matcher(hash).matches()) {
            throw new BadRequest("report: hash: \"" + hash + "\" (expected: 64 lower-case hex digits, as in the rules event)");
        }
        String status = text(body, "status", true);
        if (!status.equals("ACK") && !status.equals("NACK")) {
            throw new BadRequest("report: status: \"" + status + "\" (expected: ACK or NACK)");
        }
        List<Diagnostic> diagnostics = new ArrayList<>();
        JsonNode list = body.get("diagnostics");
        if (list != null && !list.isNull()) {
            if (!list.isArray() || list.size() > MAX_DIAGNOSTICS) {
                throw new BadRequest("report: diagnostics: " + (list.isArray() ? list.size() + " entries" : describe(list))
                        + " (expected: an array of at most " + MAX_DIAGNOSTICS + " diagnostics)");
            }
            for (int i = 0; i < list.size(); i++) {
                diagnostics.add(diagnostic(list.get(i), "report: diagnostics[" + i + "]"));
            }
        }
        return new Report(new WorkloadId(namespace, name, instance), version.asLong(), hash, status, diagnostics);
    }

    private static Diagnostic diagnostic(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new BadRequest(where + ": " + describe(node) + " (expected: an object with severity, source and message)");
        }
        String severity = text(node, "severity", true, where);
        if (!severity.equals("error") && !severity.equals("warning")) {
            throw new BadRequest(where + ".severity: \"" + severity + "\" (expected: error or warning)");
        }
        String source = text(node, "source", true, where);
        int line = position(node, "line", where);
        int column = position(node, "column", where);
        return new Diagnostic(severity.equals("error") ? Severity.ERROR : Severity.WARNING, new SourceLocation(source, line, column),
                text(node, "resource", false, where), text(node, "field", false, where), text(node, "message", true, where));
    }

    private static int position(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.canConvertToExactIntegral() || !value.canConvertToInt() || value.asInt() < 0) {
            throw new BadRequest(where + "." + field + ": " + describe(value) + " (expected: a 1-based " + field + " number)");
        }
        return value.asInt();
    }

    private static String text(JsonNode node, String field, boolean required) {
        return text(node, field, required, "report");
    }

    private static String text(JsonNode node, String field, boolean required, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new BadRequest(where + ": " + field + ": missing (expected: a string)");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new BadRequest(where + ": " + field + ": " + describe(value) + " (expected: a string)");
        }
        return value.asText();
    }

    private static String describe(JsonNode value) {
        if (value == null) {
            return "missing";
        }
        String text = value.toString();
        return text.length() > 100 ? text.substring(0, 100) + "…" : text;
    }
}
