package io.inmesh.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A product page read as a visitor sees it: the reviews and their stars, or the first part that is missing, and why. */
class VisitTest {

    @Test
    void reviewsWithStarsNameTheVersionAndColour() {
        Visit visit = Visit.of(200, """
                {"reviewsVersion": "v3", "details": {"id": 0}, "reviews": {"version": "v3", "reviews": [
                  {"reviewer": "Reviewer1", "rating": {"stars": 5, "color": "red"}}]}}""", System.nanoTime());

        assertThat(visit.ok()).isTrue();
        assertThat(visit.page()).isEqualTo(Visit.Page.RED_STARS);
        assertThat(visit.shows()).isEqualTo("reviews v3 with red stars");
    }

    @Test
    void ratingsUnavailableIsWhatReviewsShowsInPlaceOfStarsWithItsReason() {
        Visit visit = Visit.of(200, """
                {"reviewsVersion": "v2", "details": {"id": 0}, "reviews": {"version": "v2", "reviews": [
                  {"reviewer": "Reviewer1", "rating": {"error": "Ratings service is currently unavailable",
                   "reason": "http://ratings:9080/ratings/0 answered 500 FI: fault filter abort"}}]}}""", System.nanoTime());

        assertThat(visit.ok()).isFalse();
        assertThat(visit.page()).isEqualTo(Visit.Page.RATINGS_UNAVAILABLE);
        assertThat(visit.shows()).isEqualTo("reviews v2 with \"Ratings service is currently unavailable\"");
        assertThat(visit.failure()).isEqualTo("ratings: Ratings service is currently unavailable "
                + "(http://ratings:9080/ratings/0 answered 500 FI: fault filter abort)");
    }

    @Test
    void reviewsUnavailableIsTheProductPagesApology() {
        Visit visit = Visit.of(200, """
                {"reviewsVersion": null, "details": {"id": 0},
                 "reviews": {"error": "Sorry, product reviews are currently unavailable for this book.",
                             "reason": "http://reviews:9080/reviews/0: 504 UT upstream request timeout"}}""",
                System.nanoTime() - 1_000_000_000L);

        assertThat(visit.page()).isEqualTo(Visit.Page.REVIEWS_UNAVAILABLE);
        assertThat(visit.shows()).isEqualTo("\"Sorry, product reviews are currently unavailable for this book.\"");
        assertThat(visit.failure()).endsWith("(http://reviews:9080/reviews/0: 504 UT upstream request timeout)");
        assertThat(visit.elapsed()).isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(1));
    }

    @Test
    void missingDetailsComeFirst() {
        Visit visit = Visit.of(200, """
                {"reviewsVersion": "v1", "details": {"error": "Sorry, product details are currently unavailable for this book."},
                 "reviews": {"version": "v1", "reviews": []}}""", System.nanoTime());

        assertThat(visit.page()).isEqualTo(Visit.Page.DETAILS_UNAVAILABLE);
        assertThat(visit.failure()).isEqualTo("details: Sorry, product details are currently unavailable for this book.");
    }

    @Test
    void noPageWhenTheProductPageDidNotAnswer200() {
        Visit visit = Visit.of(503, "upstream overflow", System.nanoTime());

        assertThat(visit.page()).isEqualTo(Visit.Page.NO_PAGE);
        assertThat(visit.shows()).isEqualTo("no page");
        assertThat(visit.failure()).isEqualTo("productpage answered 503: upstream overflow");
    }

    @Test
    void aTallyCountsWhatPagesShowedAndHowLongVisitsTook() {
        Tally tally = new Tally();
        long now = System.nanoTime();
        for (long millis : new long[] {100, 300, 200, 900}) {
            tally.add(Visit.of(503, "", now - millis * 1_000_000));
        }

        assertThat(tally.shown()).containsExactly(java.util.Map.entry("no page", 4));
        assertThat(tally.showing("no page")).isEqualTo(4);
        assertThat(tally.medianElapsed().toMillis()).isBetween(200L, 299L);
        assertThat(tally.slowest().toMillis()).isBetween(900L, 999L);
    }
}
