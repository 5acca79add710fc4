package io.inmesh.examples.bookinfo;

import io.inmesh.core.MeshHandler;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.netty.handler.codec.http.HttpMethod;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/** Bookinfo's details service: {@code GET /details/{id}} answers the book's details, fixed. */
final class Details implements MeshHandler {

    private static final Pattern PATH = Pattern.compile("/details/(\\d{1,9})");

    @Override
    public Mono<MeshResponse> handle(MeshRequest request) {
        return Calls.discardBody(request).then(Mono.fromSupplier(() -> answer(request)));
    }

    private static MeshResponse answer(MeshRequest request) {
        Matcher path = PATH.matcher(request.path());
        if (!request.method().equals(HttpMethod.GET) || !path.matches()) {
            return Json.error(404, "not found: " + request.method() + " " + request.path() + " (expected GET /details/{id})");
        }
        return Json.response(200, Json.object()
                .put("id", Integer.parseInt(path.group(1)))
                .put("author", "William Shakespeare")
                .put("year", 1595)
                .put("type", "paperback")
                .put("pages", 200)
                .put("publisher", "PublisherA")
                .put("language", "English")
                .put("ISBN-10", "1234567890")
                .put("ISBN-13", "123-1234567890"));
    }
}
