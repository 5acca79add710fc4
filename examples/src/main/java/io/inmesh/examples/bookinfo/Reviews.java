package io.inmesh.examples.bookinfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inmesh.core.MeshClient;
import io.inmesh.core.MeshHandler;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * Bookinfo's reviews service, {@code GET /reviews/{id}}, in its three versions: v1 shows no
 * stars; v2 asks the ratings service and shows black stars, v3 red ones. The answer names the
 * version, so that a caller can tell which one answered. When ratings does not answer, each
 * review says so with the words of Istio's reviews service, and a {@code reason} (not in Istio's
 * app) that says what went wrong.
 */
final class Reviews implements MeshHandler {

    /** How a version shows ratings. */
    enum Stars {
        /** v1: does not call ratings. */
        NONE,
        /** v2. */
        BLACK,
        /** v3. */
        RED;

        String color() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * How long reviews waits for ratings, as Bookinfo's reviews service does: 10 s in v2 (black
     * stars), 2.5 s in v3 (red stars). Istio's fault-injection task turns on v2's 10 s.
     */
    static Duration ratingsTimeout(Stars stars) {
        return stars == Stars.BLACK ? Duration.ofSeconds(10) : Duration.ofMillis(2500);
    }

    /** What a review shows in place of stars when ratings did not answer, in the words of Istio's reviews service. */
    static final String RATINGS_UNAVAILABLE = "Ratings service is currently unavailable";
    static final String RATINGS_URL = "http://ratings:9080/ratings/";

    private static final Pattern PATH = Pattern.compile("/reviews/(\\d{1,9})");
    private static final String[][] REVIEWS = {
        {"Reviewer1", "An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!"},
        {"Reviewer2", "Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare."},
    };

    private final String version;
    private final Stars stars;
    private final MeshClient client;

    /**
     * @param version {@code v1}, {@code v2} or {@code v3}
     * @param stars how it shows ratings
     * @param client the mesh client it calls ratings through
     */
    Reviews(String version, Stars stars, MeshClient client) {
        this.version = Objects.requireNonNull(version, "version");
        this.stars = Objects.requireNonNull(stars, "stars");
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public Mono<MeshResponse> handle(MeshRequest request) {
        return Calls.discardBody(request).then(Mono.defer(() -> {
            Matcher path = PATH.matcher(request.path());
            if (!request.method().equals(HttpMethod.GET) || !path.matches()) {
                return Mono.just(Json.error(404, "not found: " + request.method() + " " + request.path()
                        + " (expected GET /reviews/{id})"));
            }
            int id = Integer.parseInt(path.group(1));
            if (stars == Stars.NONE) {
                return Mono.just(Json.response(200, reviews(id, null)));
            }
            return Calls.getJson(client, RATINGS_URL + id, request, ratingsTimeout(stars), 1, RATINGS_UNAVAILABLE)
                    .map(ratings -> Json.response(200, reviews(id, ratings)));
        }));
    }

    /** The answer; {@code ratings} is the ratings service's answer, or {@code null} for v1. */
    private ObjectNode reviews(int id, ObjectNode ratings) {
        ObjectNode body = Json.object()
                .put("id", String.valueOf(id))
                .put("podname", "reviews-" + version)
                .put("version", version);
        ArrayNode list = body.putArray("reviews");
        for (String[] review : REVIEWS) {
            ObjectNode entry = list.addObject().put("reviewer", review[0]).put("text", review[1]);
            if (ratings != null) {
                JsonNode stars = ratings.path("ratings").path(review[0]);
                if (stars.isInt()) {
                    entry.putObject("rating").put("stars", stars.intValue()).put("color", this.stars.color());
                } else {
                    entry.putObject("rating").put("error", RATINGS_UNAVAILABLE)
                            .put("reason", ratings.path("reason").asText("no rating for " + review[0]));
                }
            }
        }
        return body;
    }
}
