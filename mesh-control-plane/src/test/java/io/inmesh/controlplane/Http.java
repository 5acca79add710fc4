package io.inmesh.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

/** Plain requests to a control plane over a real socket, for tests. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();

    record Response(int status, HttpHeaders headers, String body) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }

    private Http() {
    }

    static Response get(URI base, String path, Map<String, String> headers) {
        return HttpClient.create()
                .headers(h -> headers.forEach(h::set))
                .get()
                .uri(base.resolve(path))
                .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Response(response.status().code(), response.responseHeaders(), text)))
                .block(Duration.ofSeconds(10));
    }

    static Response post(URI base, String path, Map<String, String> headers, byte[] body) {
        return HttpClient.create()
                .headers(h -> {
                    h.set("Content-Type", "application/json");
                    headers.forEach(h::set);
                })
                .post()
                .uri(base.resolve(path))
                .send(ByteBufFlux.fromString(Mono.just(new String(body, StandardCharsets.UTF_8))))
                .responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Response(response.status().code(), response.responseHeaders(), text)))
                .block(Duration.ofSeconds(10));
    }

    static Response post(URI base, String path, String body) {
        return post(base, path, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }
}
