package io.inmesh.core.internal.controlplane;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.inmesh.core.config.Diagnostic;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON of protocol §2 and §5, with jackson-core's streaming API: the {@code data} of a
 * {@code rules} event in, a report out. Unknown fields are skipped, as §7 requires.
 */
public final class ProtocolJson {

    /** Reports carry at most this many diagnostics (§5). */
    public static final int MAX_DIAGNOSTICS = 100;

    /** Bounds the line breaks a reader prepends to a document (§2), far beyond any real file. */
    public static final int MAX_FIRST_LINE = 1_000_000;

    // Rules events carry whole YAML files in one string: allow large strings (the SSE parser bounds the event).
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private ProtocolJson() {
    }

    /** One document of a version (§1). */
    public record Document(String origin, int firstLine, String resource, String yaml) {
    }

    /** A {@code rules} event's data. */
    public record Rules(long version, String hash, String publishedAt, List<Document> documents) {
    }

    /** Thrown for data that is not a rules event; the message names the field and what was expected. */
    public static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message);
        }
    }

    /** Reads the data of a {@code rules} event. */
    public static Rules readRules(String data) throws MalformedException {
        try (JsonParser parser = JSON.createParser(data)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT, "the event data");
            long version = -1;
            String hash = null;
            String publishedAt = null;
            List<Document> documents = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "version" -> {
                        expect(value, JsonToken.VALUE_NUMBER_INT, "version");
                        version = parser.getLongValue();
                    }
                    case "hash" -> hash = string(parser, value, "hash");
                    case "publishedAt" -> publishedAt = value == JsonToken.VALUE_NULL ? null : string(parser, value, "publishedAt");
                    case "documents" -> documents = documents(parser, value);
                    default -> parser.skipChildren();
                }
            }
            if (version < 1) {
                throw new MalformedException("version: " + (version < 0 ? "missing" : version) + " (expected: a positive integer)");
            }
            if (hash == null || !hash.matches("[0-9a-f]{64}")) {
                throw new MalformedException("hash: " + (hash == null ? "missing" : "\"" + hash + "\"") + " (expected: 64 lower-case hex digits)");
            }
            if (documents == null) {
                throw new MalformedException("documents: missing (expected: an array of documents)");
            }
            return new Rules(version, hash, publishedAt, documents);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new MalformedException("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedException("not JSON: " + e.getMessage());
        }
    }

    private static List<Document> documents(JsonParser parser, JsonToken value) throws IOException, MalformedException {
        expect(value, JsonToken.START_ARRAY, "documents");
        List<Document> documents = new ArrayList<>();
        for (JsonToken token; (token = parser.nextToken()) != JsonToken.END_ARRAY; ) {
            String where = "documents[" + documents.size() + "]";
            expect(token, JsonToken.START_OBJECT, where);
            String origin = null;
            int firstLine = 0;
            String resource = null;
            String yaml = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken fieldValue = parser.nextToken();
                switch (field) {
                    case "origin" -> origin = string(parser, fieldValue, where + ".origin");
                    case "firstLine" -> {
                        expect(fieldValue, JsonToken.VALUE_NUMBER_INT, where + ".firstLine");
                        firstLine = parser.getIntValue();
                    }
                    case "resource" -> resource = fieldValue == JsonToken.VALUE_NULL ? null : string(parser, fieldValue, where + ".resource");
                    case "yaml" -> yaml = string(parser, fieldValue, where + ".yaml");
                    default -> parser.skipChildren();
                }
            }
            if (origin == null || origin.isEmpty()) {
                throw new MalformedException(where + ".origin: missing (expected: the file, relative to the rules directory)");
            }
            if (firstLine < 1 || firstLine > MAX_FIRST_LINE) {
                throw new MalformedException(where + ".firstLine: " + firstLine + " (expected: a line number, 1.." + MAX_FIRST_LINE + ")");
            }
            if (yaml == null) {
                throw new MalformedException(where + ".yaml: missing (expected: the document's text)");
            }
            documents.add(new Document(origin, firstLine, resource, yaml));
        }
        return documents;
    }

    private static String string(JsonParser parser, JsonToken token, String field) throws IOException, MalformedException {
        expect(token, JsonToken.VALUE_STRING, field);
        return parser.getText();
    }

    private static void expect(JsonToken actual, JsonToken expected, String field) throws MalformedException {
        if (actual != expected) {
            throw new MalformedException(field + ": " + describe(actual) + " (expected: " + describe(expected) + ")");
        }
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "end of input";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a decimal number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }

    /** The body of {@code POST /v1/reports} (§5); at most {@value #MAX_DIAGNOSTICS} diagnostics. */
    public static String report(String namespace, String name, String instance, long version, String hash,
            boolean applied, List<Diagnostic> diagnostics) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("namespace", namespace);
            json.writeStringField("name", name);
            json.writeStringField("instance", instance);
            json.writeNumberField("version", version);
            json.writeStringField("hash", hash);
            json.writeStringField("status", applied ? "ACK" : "NACK");
            json.writeArrayFieldStart("diagnostics");
            // Errors first, so that a long list cut at the limit keeps why the version was refused.
            List<Diagnostic> ordered = new ArrayList<>(diagnostics);
            ordered.sort((a, b) -> Boolean.compare(b.isError(), a.isError()));
            for (Diagnostic diagnostic : ordered.subList(0, Math.min(MAX_DIAGNOSTICS, ordered.size()))) {
                json.writeStartObject();
                json.writeStringField("severity", diagnostic.severity().label());
                json.writeStringField("source", diagnostic.location().source());
                if (diagnostic.location().line() > 0) {
                    json.writeNumberField("line", diagnostic.location().line());
                    json.writeNumberField("column", diagnostic.location().column());
                }
                if (diagnostic.resource() != null) {
                    json.writeStringField("resource", diagnostic.resource());
                }
                if (diagnostic.field() != null && !diagnostic.field().isEmpty()) {
                    json.writeStringField("field", diagnostic.field());
                }
                json.writeStringField("message", diagnostic.message());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }
}
