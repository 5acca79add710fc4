package io.inmesh.examples.bookinfo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inmesh.core.http.MeshResponse;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Flux;

/** JSON bodies of the Bookinfo services: written and read with one shared, thread-safe mapper. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        // Jackson builds its serializers and deserializers on first use, under a lock. Build them now,
        // on the thread that loads this class, so that no event loop ever waits for that lock.
        ObjectNode sample = object().put("text", "x").put("number", 1).put("flag", true).putNull("none");
        sample.putArray("list").addObject().putObject("nested").put("n", 1.5);
        parseObject(new String(bytes(sample), StandardCharsets.UTF_8));
    }

    private Json() {
    }

    /** Loads this class, and so readies the mapper, on the calling thread: call it at start-up. */
    static void warmUp() {
        // The static initializer does the work.
    }

    /** A new, empty JSON object. */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A response with {@code body} as JSON. */
    static MeshResponse response(int status, JsonNode body) {
        byte[] bytes = bytes(body);
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        headers.set("content-type", "application/json");
        headers.setInt("content-length", bytes.length);
        return MeshResponse.of(status, headers, Flux.defer(() -> Flux.just(Unpooled.wrappedBuffer(bytes))));
    }

    private static byte[] bytes(JsonNode body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** A JSON error body, {@code {"error": "..."}}. */
    static MeshResponse error(int status, String message) {
        return response(status, object().put("error", message));
    }

    /** Parses {@code text}; a body that is not a JSON object is an {@link IllegalArgumentException}. */
    static ObjectNode parseObject(String text) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + abbreviate(text), e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("not a JSON object: " + abbreviate(text));
        }
        return object;
    }

    /** The text, one line, cut to 120 characters. */
    static String abbreviate(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= 120 ? line : line.substring(0, 117) + "...";
    }
}
