package io.inmesh.examples.bookinfo;

import io.inmesh.core.MeshHandler;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.netty.handler.codec.http.HttpMethod;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/** Bookinfo's ratings service: {@code GET /ratings/{id}} answers each reviewer's stars, fixed. */
final class Ratings implements MeshHandler {

    private static final Pattern PATH = Pattern.compile("/ratings/(\\d{1,9})");

    @Override
    public Mono<MeshResponse> handle(MeshRequest request) {
        return Calls.discardBody(request).then(Mono.fromSupplier(() -> answer(request)));
    }

    private static MeshResponse answer(MeshRequest request) {
        Matcher path = PATH.matcher(request.path());
        if (!request.method().equals(HttpMethod.GET) || !path.matches()) {
            return Json.error(404, "not found: " + request.method() + " " + request.path() + " (expected GET /ratings/{id})");
        }
        var body = Json.object().put("id", Integer.parseInt(path.group(1)));
        body.putObject("ratings").put("Reviewer1", 5).put("Reviewer2", 4);
        return Json.response(200, body);
    }
}
