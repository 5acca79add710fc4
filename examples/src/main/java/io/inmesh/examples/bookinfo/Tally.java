package io.inmesh.examples.bookinfo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Visits counted: how many each reviews version answered, and the failures by reason. Built by one
 * thread (a reduction), then read.
 */
public final class Tally {

    private final TreeMap<String, Integer> versions = new TreeMap<>();
    private final TreeMap<String, String> stars = new TreeMap<>();
    private final Map<String, Integer> failures = new LinkedHashMap<>();
    private int visits;
    private int failed;

    /** Counts one visit; returns this tally. */
    public Tally add(Visit visit) {
        visits++;
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

    @Override
    public String toString() {
        return visits + " visits, " + failed + " failed, by version " + versions;
    }
}
