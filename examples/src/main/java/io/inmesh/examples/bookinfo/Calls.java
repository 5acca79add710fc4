package io.inmesh.examples.bookinfo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inmesh.core.MeshClient;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;

/** What the Bookinfo services share: how they call each other and read requests. */
final class Calls {

    /** The header Bookinfo's log-in sets and every service forwards; VirtualServices match on it. */
    static final String END_USER = "end-user";

    private Calls() {
    }

    /**
     * GETs {@code url} through the mesh, forwarding the caller's {@code end-user} header, and reads
     * the answer as a JSON object, as Bookinfo's services call each other: each call waits at most
     * {@code timeout}; a failed call, a status other than 200 or no answer in time is followed by
     * another call, up to {@code attempts} calls. Never fails: when no call succeeds, the answer is
     * an object {@code {"error": unavailable, "reason": "..."}}, the reason saying what went wrong
     * with the last call.
     */
    static Mono<ObjectNode> getJson(MeshClient client, String url, MeshRequest incoming, Duration timeout, int attempts,
            String unavailable) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts " + attempts + " (expected 1 or more)");
        }
        return attempt(client, url, incoming.headers().get(END_USER), timeout)
                .flatMap(answer -> answer.has("error") && attempts > 1
                        ? getJson(client, url, incoming, timeout, attempts - 1, unavailable)
                        : Mono.just(answer.has("error") ? Json.object().put("error", unavailable).put("reason", answer.path("error").asText())
                                : answer));
    }

    /** One call: the answer, or {@code {"error": "..."}} saying what went wrong. */
    private static Mono<ObjectNode> attempt(MeshClient client, String url, String user, Duration timeout) {
        return Mono.defer(() -> {
            MeshClient.RequestSpec call = client.get(url);
            if (user != null) {
                call.header(END_USER, user);
            }
            return call.exchange()
                    .flatMap(response -> response.bodyAsString().defaultIfEmpty("").map(body -> {
                        if (response.status() != 200) {
                            String flags = response.headers().get(MeshResponse.FLAGS_HEADER);
                            return Json.object().put("error", url + " answered " + response.status()
                                    + (flags == null ? "" : " " + flags) + ": " + Json.abbreviate(body));
                        }
                        return Json.parseObject(body);
                    }))
                    .timeout(timeout)
                    .onErrorResume(failure -> Mono.just(Json.object().put("error", url + ": " + describe(failure, timeout))));
        });
    }

    /** A failure in a few words: the mesh's status, flag and reason, or what else went wrong. */
    static String describe(Throwable failure, Duration timeout) {
        if (failure instanceof MeshException mesh) {
            return mesh.status() + " " + mesh.flag() + " " + mesh.reason();
        }
        if (failure instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        return failure.toString();
    }

    /** Reads and releases whatever body the request has; a GET has none, but a client may send one. */
    static Mono<Void> discardBody(MeshRequest request) {
        return request.body().doOnNext(ByteBuf::release).then();
    }
}
