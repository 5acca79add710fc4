package io.inmesh.examples.bookinfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one visit of the product page showed: which reviews version answered and its stars, or
 * what went wrong. A visit failed when the page did not answer 200, or any part of it (details,
 * reviews, ratings) shows an error.
 *
 * @param reviewsVersion {@code v1}, {@code v2} or {@code v3}; {@code null} when the visit failed before reviews answered
 * @param stars the stars' colour, {@code black} or {@code red}; {@code null} for v1 or a failed visit
 * @param failure what went wrong, or {@code null}
 * @param completedAtNanos when the answer arrived, by {@link System#nanoTime()}
 */
public record Visit(String reviewsVersion, String stars, String failure, long completedAtNanos) {

    /** Whether the whole page answered without error. */
    public boolean ok() {
        return failure == null;
    }

    /** A visit that failed before a page came back. */
    static Visit failed(String failure) {
        return new Visit(null, null, failure, System.nanoTime());
    }

    /** Reads the product page's answer. */
    static Visit of(int status, String body) {
        long now = System.nanoTime();
        if (status != 200) {
            return new Visit(null, null, "productpage answered " + status + ": " + Json.abbreviate(body), now);
        }
        ObjectNode page;
        try {
            page = Json.parseObject(body);
        } catch (IllegalArgumentException e) {
            return new Visit(null, null, "productpage: " + e.getMessage(), now);
        }
        String version = page.path("reviewsVersion").textValue();
        JsonNode reviews = page.path("reviews");
        String stars = null;
        String failure = null;
        if (page.path("details").has("error")) {
            failure = "details: " + page.path("details").path("error").asText();
        } else if (reviews.has("error")) {
            failure = "reviews: " + reviews.path("error").asText();
        } else if (version == null) {
            failure = "reviews: the answer names no version";
        }
        for (JsonNode review : reviews.path("reviews")) {
            JsonNode rating = review.path("rating");
            if (rating.has("error") && failure == null) {
                failure = "ratings: " + rating.path("error").asText();
            } else if (rating.has("color") && stars == null) {
                stars = rating.path("color").asText();
            }
        }
        return new Visit(version, stars, failure, now);
    }
}
