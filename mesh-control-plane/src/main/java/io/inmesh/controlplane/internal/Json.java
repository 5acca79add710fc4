package io.inmesh.controlplane.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inmesh.controlplane.PublishedRules;
import io.inmesh.controlplane.Refusal;
import io.inmesh.controlplane.RuleDocument;
import io.inmesh.controlplane.ScopedRules;
import io.inmesh.core.config.Diagnostic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/** The JSON the control plane writes (protocol §2, §4, §5) and reads (reports). One line each. */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        // Jackson builds and caches its (de)serializers on first use under a lock, which can park a
        // thread that finds it taken: do it here, once, so that event loops only ever hit the cache.
        JsonNode sample = read("{\"a\":[1,2.5,\"x\",true,null,{\"b\":{}}]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        write(sample);
        write(MAPPER.createObjectNode().put("n", 1L).put("s", "s").put("t", true).putNull("z"));
    }

    private Json() {
    }

    /** Loads the class, which warms Jackson's caches up (see the static initializer). */
    static void warmUp() {
        // the work is done once, by the static initializer
    }

    /** The {@code data} of a {@code rules} event. */
    public static String rules(ScopedRules rules) {
        ObjectNode data = MAPPER.createObjectNode();
        data.put("version", rules.version());
        data.put("hash", rules.hash());
        data.put("publishedAt", rules.publishedAt().toString());
        ArrayNode documents = data.putArray("documents");
        for (RuleDocument document : rules.documents()) {
            ObjectNode node = documents.addObject();
            node.put("origin", document.origin());
            node.put("firstLine", document.firstLine());
            node.put("resource", document.resource());
            node.put("yaml", document.yaml());
        }
        return write(data);
    }

    /** The {@code data} of an {@code unchanged} event. */
    public static String unchanged(long version, String hash) {
        ObjectNode data = MAPPER.createObjectNode();
        data.put("version", version);
        data.put("hash", hash);
        return write(data);
    }

    /** {@code {"error": message}}. */
    public static String error(String message) {
        return write(MAPPER.createObjectNode().put("error", message));
    }

    /** The body of {@code GET /status}. */
    public static String status(Optional<PublishedRules> current, Optional<Refusal> refusal, List<Workloads.View> workloads) {
        ObjectNode status = MAPPER.createObjectNode();
        if (current.isPresent()) {
            PublishedRules rules = current.get();
            status.put("version", rules.version());
            status.put("hash", rules.hash());
            status.put("publishedAt", rules.publishedAt().toString());
            status.put("documents", rules.documents().size());
        } else {
            status.putNull("version");
            status.putNull("hash");
            status.putNull("publishedAt");
            status.put("documents", 0);
        }
        if (refusal.isPresent()) {
            Refusal refused = refusal.get();
            ObjectNode node = status.putObject("lastRefusal");
            node.put("reason", refused.reason().name());
            node.put("at", refused.at().toString());
            node.put("hash", refused.hash());
            node.put("keptVersion", refused.keptVersion());
            ArrayNode diagnostics = node.putArray("diagnostics");
            refused.diagnostics().forEach(d -> diagnostic(diagnostics.addObject(), d));
        } else {
            status.putNull("lastRefusal");
        }
        ArrayNode list = status.putArray("workloads");
        for (Workloads.View view : workloads) {
            ObjectNode node = list.addObject();
            node.put("namespace", view.id().namespace());
            node.put("name", view.id().name());
            node.put("instance", view.id().instance());
            ObjectNode labels = node.putObject("labels");
            view.labels().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                    .forEach(label -> labels.put(label.getKey(), label.getValue()));
            node.put("connected", view.connected());
            node.put("sentVersion", view.sentVersion());
            node.put("sentHash", view.sentHash());
            node.put("reportedVersion", view.reportedVersion());
            node.put("status", view.status());
            node.put("reason", view.reason());
            node.put("reportedAt", view.reportedAt() == null ? null : view.reportedAt().toString());
            node.put("lastSeen", view.lastSeen() == null ? null : view.lastSeen().toString());
        }
        return write(status);
    }

    /** A diagnostic with the fields of a report's diagnostics (absent parts left out). */
    static void diagnostic(ObjectNode node, Diagnostic diagnostic) {
        node.put("severity", diagnostic.severity().label());
        node.put("source", diagnostic.location().source());
        if (diagnostic.location().line() > 0) {
            node.put("line", diagnostic.location().line());
            node.put("column", diagnostic.location().column());
        }
        if (diagnostic.resource() != null) {
            node.put("resource", diagnostic.resource());
        }
        if (diagnostic.field() != null) {
            node.put("field", diagnostic.field());
        }
        node.put("message", diagnostic.message());
    }

    /** Parses a report body; a {@link BadRequest} when it is not JSON. */
    public static JsonNode read(byte[] body) {
        try {
            return MAPPER.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest("report: not JSON: " + e.getOriginalMessage() + " (expected: a JSON object, RFC 8259)");
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a byte array does no IO
        }
    }

    private static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
