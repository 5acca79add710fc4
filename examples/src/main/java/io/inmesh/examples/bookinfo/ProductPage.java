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
 * cannot be reached is an {@code error} in its part of the page, with the words of Istio's
 * {@code productpage.py}, and a {@code reason} (not in Istio's app) that says what went wrong.
 *
 * <p>It waits as Istio's app does, and Istio's fault-injection and request-timeout tasks depend on
 * it: 3 s for details, once; 3 s for reviews, and on any failure or status other than 200 asks
 * reviews once more (the "bug introduced explicitly for illustration in fault injection task" of
 * {@code productpage.py}), so reviews may take 6 s before the page gives up on them. Unlike
 * Istio's app, which asks details and then reviews, it asks both at once.
 */
final class ProductPage implements MeshHandler {

    /** How long the page waits for details, and for each of its two calls of reviews, as Bookinfo's product page does. */
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    /** How often the page asks reviews before it gives up, as Bookinfo's product page does: once more after a failure. */
    static final int REVIEWS_ATTEMPTS = 2;
    static final String DETAILS_UNAVAILABLE = "Sorry, product details are currently unavailable for this book.";
    static final String REVIEWS_UNAVAILABLE = "Sorry, product reviews are currently unavailable for this book.";
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
                            Calls.getJson(client, DETAILS_URL, request, TIMEOUT, 1, DETAILS_UNAVAILABLE),
                            Calls.getJson(client, REVIEWS_URL, request, TIMEOUT, REVIEWS_ATTEMPTS, REVIEWS_UNAVAILABLE))
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
