package io.inmesh.examples.bookinfo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inmesh.core.MeshClient;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
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
     * the answer as a JSON object. Never fails: a failed call, a status other than 200 or no answer
     * within {@code timeout} is an object {@code {"error": "..."}} that says which.
     */
    static Mono<ObjectNode> getJson(MeshClient client, String url, MeshRequest incoming, Duration timeout) {
        MeshClient.RequestSpec call = client.get(url);
        String user = incoming.headers().get(END_USER);
        if (user != null) {
            call.header(END_USER, user);
        }
        return call.exchange()
                .flatMap(response -> response.bodyAsString().map(body -> {
                    if (response.status() != 200) {
                        return Json.object().put("error", url + " answered " + response.status() + ": " + Json.abbreviate(body));
                    }
                    return Json.parseObject(body);
                }))
                .timeout(timeout)
                .onErrorResume(failure -> Mono.just(Json.object().put("error", url + ": " + describe(failure, timeout))));
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
