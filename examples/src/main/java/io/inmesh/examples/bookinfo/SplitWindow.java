package io.inmesh.examples.bookinfo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The product page visits that completed in one window of time, and the rules each mesh ran on at
 * its end: what the control-plane mode of the demo prints every couple of seconds.
 *
 * @param startNanos when the window opened, by {@link System#nanoTime()}
 * @param endNanos when it closed, by {@link System#nanoTime()}
 * @param endedAt when it closed, by the wall clock
 * @param tally the visits that completed in the window
 * @param rules each mesh's {@link io.inmesh.core.RulesStatus#version() rules version} at the end of the
 *     window, by workload name ({@code productpage-v1}), in Bookinfo's order; {@code null} for a
 *     mesh without rules
 */
public record SplitWindow(long startNanos, long endNanos, Instant endedAt, Tally tally, Map<String, String> rules) {

    public SplitWindow {
        Objects.requireNonNull(endedAt, "endedAt");
        Objects.requireNonNull(tally, "tally");
        rules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    }

    /** How long the window was open. */
    public Duration length() {
        return Duration.ofNanos(endNanos - startNanos);
    }

    /**
     * The rules versions in words: {@code v2 (3ae322680a1f) in all 6 meshes}, or, while a change is
     * on its way, each version with the meshes that run it.
     */
    public String describeRules() {
        Map<String, List<String>> byVersion = new LinkedHashMap<>();
        rules.forEach((workload, version) -> byVersion.computeIfAbsent(version == null ? "no rules" : shortVersion(version),
                v -> new ArrayList<>()).add(workload));
        if (byVersion.size() == 1) {
            return byVersion.keySet().iterator().next() + " in all " + rules.size() + " meshes";
        }
        List<String> parts = new ArrayList<>();
        byVersion.forEach((version, workloads) -> parts.add(version + " in " + String.join(", ", workloads)));
        return String.join("; ", parts);
    }

    /** A control plane's {@code 2:3ae3…} (64 hex digits) as {@code mesh control-plane} prints it: {@code v2 (3ae322680a1f)}. */
    static String shortVersion(String version) {
        int colon = version.indexOf(':');
        if (colon > 0 && version.length() - colon - 1 == 64 && version.substring(0, colon).chars().allMatch(Character::isDigit)) {
            return "v" + version.substring(0, colon) + " (" + version.substring(colon + 1, colon + 13) + ")";
        }
        return version;
    }
}
