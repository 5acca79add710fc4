package io.inmesh.examples.bookinfo;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Visits counted: how many each reviews version answered, what the pages showed, how long visits
 * took, and the failures by reason. Built by one
 * thread (a reduction), then read.
 */
public final class Tally {

    private final TreeMap<String, Integer> versions = new TreeMap<>();
    private final TreeMap<String, String> stars = new TreeMap<>();
    private final Map<String, Integer> failures = new LinkedHashMap<>();
    private final Map<String, Integer> shown = new LinkedHashMap<>();
    private long[] elapsedNanos = new long[16];
    private int visits;
    private int failed;

    /** Counts one visit; returns this tally. */
    public Tally add(Visit visit) {
        if (visits == elapsedNanos.length) {
            elapsedNanos = Arrays.copyOf(elapsedNanos, 2 * visits);
        }
        elapsedNanos[visits] = visit.elapsedNanos();
        visits++;
        shown.merge(visit.shows(), 1, Integer::sum);
        if (!visit.ok()) {
            failed++;
            failures.merge(visit.failure(), 1, Integer::sum);
            return this;
        }
        versions.merge(visit.reviewsVersion(), 1, Integer::sum);
        if (visit.stars() != null) {
            stars.putIfAbsent(visit.reviewsVersion(), visit.stars());
        }
        return this;
    }

    /** Counts every visit {@code other} counted; returns this tally. */
    public Tally addAll(Tally other) {
        if (visits + other.visits > elapsedNanos.length) {
            elapsedNanos = Arrays.copyOf(elapsedNanos, Math.max(2 * elapsedNanos.length, visits + other.visits));
        }
        System.arraycopy(other.elapsedNanos, 0, elapsedNanos, visits, other.visits);
        visits += other.visits;
        failed += other.failed;
        other.shown.forEach((shows, count) -> shown.merge(shows, count, Integer::sum));
        other.failures.forEach((failure, count) -> failures.merge(failure, count, Integer::sum));
        other.versions.forEach((version, count) -> versions.merge(version, count, Integer::sum));
        other.stars.forEach(stars::putIfAbsent);
        return this;
    }

    /** All visits, failed or not. */
    public int visits() {
        return visits;
    }

    /** Visits that failed. */
    public int failed() {
        return failed;
    }

    /** Successful visits answered by {@code version}. */
    public int count(String version) {
        return versions.getOrDefault(version, 0);
    }

    /** The share of all visits that {@code version} answered, 0 to 1. */
    public double share(String version) {
        return visits == 0 ? 0 : (double) count(version) / visits;
    }

    /** The reviews versions that answered, by name, with their counts. */
    public Map<String, Integer> versions() {
        return Collections.unmodifiableMap(new TreeMap<>(versions));
    }

    /** The colour of the stars a version showed, or {@code null} for none (v1). */
    public String stars(String version) {
        return stars.get(version);
    }

    /** Failure reasons with their counts, in the order first seen. */
    public Map<String, Integer> failures() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    }

    /** What the visits showed ({@link Visit#shows()}), with their counts, in the order first seen. */
    public Map<String, Integer> shown() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(shown));
    }

    /** Visits that showed {@code shows} ({@link Visit#shows()}). */
    public int showing(String shows) {
        return shown.getOrDefault(shows, 0);
    }

    /** The median time a visit took (the lower of the middle two for an even count); zero when there were none. */
    public Duration medianElapsed() {
        if (visits == 0) {
            return Duration.ZERO;
        }
        long[] sorted = Arrays.copyOf(elapsedNanos, visits);
        Arrays.sort(sorted);
        return Duration.ofNanos(sorted[(visits - 1) / 2]);
    }

    /** The longest time a visit took; zero when there were none. */
    public Duration slowest() {
        long max = 0;
        for (int i = 0; i < visits; i++) {
            max = Math.max(max, elapsedNanos[i]);
        }
        return Duration.ofNanos(max);
    }

    @Override
    public String toString() {
        return visits + " visits, " + failed + " failed, by version " + versions;
    }
}
