package io.inmesh.examples.bookinfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Objects;

/**
 * What one visit of the product page showed: which reviews version answered and its stars, or
 * what went wrong. A visit failed when the page did not answer 200, or any part of it (details,
 * reviews, ratings) shows an error.
 *
 * @param reviewsVersion {@code v1}, {@code v2} or {@code v3}; {@code null} when the visit failed before reviews answered
 * @param stars the stars' colour, {@code black} or {@code red}; {@code null} for v1 or a failed visit
 * @param failure what went wrong, or {@code null}
 * @param page what the page showed, as a user sees it
 * @param elapsedNanos from sending the request until the answer arrived
 * @param completedAtNanos when the answer arrived, by {@link System#nanoTime()}
 */
public record Visit(String reviewsVersion, String stars, String failure, Page page, long elapsedNanos, long completedAtNanos) {

    public Visit {
        Objects.requireNonNull(page, "page");
    }

    /** What a visitor sees of the product page: the reviews, or the first of its parts that failed. */
    public enum Page {
        /** Reviews without stars (reviews v1). */
        NO_STARS("reviews without stars"),
        /** Reviews with black stars (reviews v2). */
        BLACK_STARS("reviews with black stars"),
        /** Reviews with red stars (reviews v3). */
        RED_STARS("reviews with red stars"),
        /** Reviews, with "Ratings service is currently unavailable" in place of the stars. */
        RATINGS_UNAVAILABLE("reviews with \"" + Reviews.RATINGS_UNAVAILABLE + "\""),
        /** No reviews: "Sorry, product reviews are currently unavailable for this book." */
        REVIEWS_UNAVAILABLE("\"" + ProductPage.REVIEWS_UNAVAILABLE + "\""),
        /** No details: "Sorry, product details are currently unavailable for this book." */
        DETAILS_UNAVAILABLE("\"" + ProductPage.DETAILS_UNAVAILABLE + "\""),
        /** No page: the product page did not answer 200 in time. */
        NO_PAGE("no page");

        private final String description;

        Page(String description) {
            this.description = description;
        }

        /** What the visitor sees, in a few words. */
        public String description() {
            return description;
        }
    }

    /** Whether the whole page answered without error. */
    public boolean ok() {
        return failure == null;
    }

    /** From sending the request until the answer arrived. */
    public Duration elapsed() {
        return Duration.ofNanos(elapsedNanos);
    }

    /** What the visitor saw, with the reviews version where one answered: {@code reviews v2 with black stars}. */
    public String shows() {
        return shows(reviewsVersion, page);
    }

    /**
     * What a page shows, in words: {@code reviews v2 with black stars}; the version is left out
     * where it is {@code null} or the page shows no reviews.
     */
    public static String shows(String reviewsVersion, Page page) {
        return switch (page) {
            case NO_PAGE, DETAILS_UNAVAILABLE, REVIEWS_UNAVAILABLE -> page.description();
            default -> reviewsVersion == null ? page.description()
                    : "reviews " + reviewsVersion + page.description().substring("reviews".length());
        };
    }

    /** A visit that failed before a page came back. */
    static Visit failed(String failure, long startedAtNanos) {
        long now = System.nanoTime();
        return new Visit(null, null, failure, Page.NO_PAGE, now - startedAtNanos, now);
    }

    /** Reads the product page's answer to a request sent at {@code startedAtNanos}. */
    static Visit of(int status, String body, long startedAtNanos) {
        long now = System.nanoTime();
        long elapsed = now - startedAtNanos;
        if (status != 200) {
            return new Visit(null, null, "productpage answered " + status + ": " + Json.abbreviate(body), Page.NO_PAGE, elapsed, now);
        }
        ObjectNode page;
        try {
            page = Json.parseObject(body);
        } catch (IllegalArgumentException e) {
            return new Visit(null, null, "productpage: " + e.getMessage(), Page.NO_PAGE, elapsed, now);
        }
        String version = page.path("reviewsVersion").textValue();
        JsonNode reviews = page.path("reviews");
        String stars = null;
        String failure = null;
        Page shown = null;
        if (page.path("details").has("error")) {
            failure = "details: " + error(page.path("details"));
            shown = Page.DETAILS_UNAVAILABLE;
        } else if (reviews.has("error")) {
            failure = "reviews: " + error(reviews);
            shown = Page.REVIEWS_UNAVAILABLE;
        } else if (version == null) {
            failure = "reviews: the answer names no version";
            shown = Page.REVIEWS_UNAVAILABLE;
        }
        for (JsonNode review : reviews.path("reviews")) {
            JsonNode rating = review.path("rating");
            if (rating.has("error") && failure == null) {
                failure = "ratings: " + error(rating);
                shown = Page.RATINGS_UNAVAILABLE;
            } else if (rating.has("color") && stars == null) {
                stars = rating.path("color").asText();
            }
        }
        if (shown == null) {
            shown = stars == null ? Page.NO_STARS : stars.equals("red") ? Page.RED_STARS : Page.BLACK_STARS;
        }
        return new Visit(version, stars, failure, shown, elapsed, now);
    }

    /** {@code error (reason)}, or the error alone. */
    private static String error(JsonNode part) {
        String error = part.path("error").asText();
        return part.has("reason") ? error + " (" + part.path("reason").asText() + ")" : error;
    }
}
