package io.inmesh.examples.bookinfo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inmesh.core.MeshClient;
import io.inmesh.core.MeshHandler;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Bookinfo's product page, {@code GET /productpage}: asks details and reviews at once, forwarding
 * the {@code end-user} header, and answers a JSON page that names the reviews version that
 * answered ({@code reviewsVersion}). Like Bookinfo's, it degrades rather than fails: a service that
 * cannot be reached is an {@code error} in its part of the page.
 */
final class ProductPage implements MeshHandler {

    /** How long the page waits for details and for reviews, as Bookinfo's product page does. */
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    static final String DETAILS_URL = "http://details:9080/details/0";
    static final String REVIEWS_URL = "http://reviews:9080/reviews/0";

    private final MeshClient client;

    /** @param client the mesh client it calls details and reviews through */
    ProductPage(MeshClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public Mono<MeshResponse> handle(MeshRequest request) {
        return Calls.discardBody(request).then(Mono.defer(() -> {
            if (!request.method().equals(HttpMethod.GET)) {
                return Mono.just(Json.error(405, "method " + request.method() + " (expected GET)"));
            }
            if (request.path().equals("/")) {
                return Mono.just(MeshResponse.text(200, "Bookinfo product page: GET /productpage, with header end-user: NAME to log in\n"));
            }
            if (!request.path().equals("/productpage")) {
                return Mono.just(Json.error(404, "not found: " + request.path() + " (expected /productpage)"));
            }
            return Mono.zip(
                            Calls.getJson(client, DETAILS_URL, request, TIMEOUT),
                            Calls.getJson(client, REVIEWS_URL, request, TIMEOUT))
                    .map(parts -> Json.response(200, page(request.headers().get(Calls.END_USER), parts.getT1(), parts.getT2())));
        }));
    }

    private static ObjectNode page(String user, ObjectNode details, ObjectNode reviews) {
        ObjectNode page = Json.object();
        page.putObject("product").put("id", 0).put("title", "The Comedy of Errors");
        page.put("user", user);
        page.put("reviewsVersion", reviews.path("version").textValue());
        page.set("details", details);
        page.set("reviews", reviews);
        return page;
    }
}
