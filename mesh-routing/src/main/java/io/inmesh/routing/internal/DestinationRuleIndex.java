package io.inmesh.routing.internal;

import io.inmesh.core.config.Hosts;
import io.inmesh.core.model.DestinationRule;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.Subset;
import io.inmesh.routing.Caller;
import io.inmesh.routing.ResolvedSubset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the DestinationRule that governs a host for a caller, as Istio does: a rule in the caller's
 * own namespace first, then one in the service's namespace, then one in the root namespace
 * ({@code istio-system}); within a tier an exact host beats a wildcard, a longer wildcard a shorter
 * one, and an earlier rule a later one. Rules not exported to the caller, and rules whose
 * {@code workloadSelector} does not select it, are passed over.
 */
public final class DestinationRuleIndex {

    /** Istio's default root namespace, whose rules apply mesh-wide. */
    public static final String ROOT_NAMESPACE = "istio-system";

    private record Entry(
            String host,
            String namespace,
            int order,
            Visibility visibility,
            Map<String, String> selector,
            ResolvedSubset wholeService,
            Map<String, ResolvedSubset> subsets) {
    }

    private final Map<String, List<Entry>> exact = new HashMap<>();
    private final List<Entry> wildcards = new ArrayList<>();

    public DestinationRuleIndex(List<Resource<DestinationRule>> rules) {
        int order = 0;
        for (Resource<DestinationRule> rule : rules) {
            DestinationRule spec = rule.spec();
            if (spec.host() == null) {
                continue;
            }
            String host = Hosts.normalize(Hosts.resolve(spec.host(), rule.namespace()));
            String key = rule.namespace() + "/" + rule.name();
            Map<String, ResolvedSubset> subsets = new HashMap<>();
            for (Subset subset : spec.subsets()) {
                subsets.put(subset.name(), new ResolvedSubset(key, subset.name(), subset.labels(),
                        TrafficPolicies.merge(spec.trafficPolicy(), subset.trafficPolicy())));
            }
            Map<String, String> selector = spec.workloadSelector() == null ? Map.of() : spec.workloadSelector().matchLabels();
            Entry entry = new Entry(host, rule.namespace(), order++, Visibility.of(spec.exportTo(), rule.namespace()),
                    selector, new ResolvedSubset(key, null, Map.of(), spec.trafficPolicy()), Map.copyOf(subsets));
            if (Hosts.isWildcard(host)) {
                wildcards.add(entry);
            } else {
                exact.computeIfAbsent(host, h -> new ArrayList<>()).add(entry);
            }
        }
        // Longer wildcards are more specific.
        wildcards.sort(Comparator.comparingInt((Entry e) -> -e.host().length()).thenComparingInt(Entry::order));
    }

    /**
     * The subset (or, for {@code subset == null}, the whole service) of {@code host} as the governing
     * rule defines it; {@code null} when no rule governs the host or the rule has no such subset.
     */
    public ResolvedSubset resolve(String host, String subset, Caller caller) {
        Entry rule = governing(Hosts.normalize(host), caller);
        if (rule == null) {
            return null;
        }
        return subset == null ? rule.wholeService() : rule.subsets().get(subset);
    }

    private Entry governing(String host, Caller caller) {
        String serviceNamespace = serviceNamespace(host);
        Entry best = null;
        int bestRank = Integer.MAX_VALUE;
        List<Entry> exactEntries = exact.getOrDefault(host, List.of());
        for (int pass = 0; pass < 2; pass++) {
            List<Entry> candidates = pass == 0 ? exactEntries : wildcards;
            for (Entry entry : candidates) {
                if (pass == 1 && !Hosts.matches(entry.host(), host)) {
                    continue;
                }
                if (!applies(entry, caller)) {
                    continue;
                }
                int tier = entry.namespace().equals(caller.namespace()) ? 0
                        : entry.namespace().equals(serviceNamespace) ? 1
                        : entry.namespace().equals(ROOT_NAMESPACE) ? 2 : 3;
                // Exact hosts (pass 0) beat wildcards within a tier; candidates are already in precedence order.
                int rank = tier * 2 + pass;
                if (rank < bestRank) {
                    best = entry;
                    bestRank = rank;
                }
            }
        }
        return best;
    }

    private static boolean applies(Entry entry, Caller caller) {
        if (!entry.visibility().visibleTo(caller.namespace())) {
            return false;
        }
        if (entry.selector().isEmpty()) {
            return true;
        }
        // A rule with a workloadSelector applies only to the selected workloads of its own namespace.
        if (!entry.namespace().equals(caller.namespace())) {
            return false;
        }
        for (Map.Entry<String, String> label : entry.selector().entrySet()) {
            if (!label.getValue().equals(caller.labels().get(label.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The namespace of a Kubernetes service host {@code name.namespace.svc.cluster.local}, else {@code null}. */
    static String serviceNamespace(String host) {
        String suffix = ".svc." + Hosts.DEFAULT_DOMAIN;
        if (!host.endsWith(suffix)) {
            return null;
        }
        String[] labels = host.substring(0, host.length() - suffix.length()).split("\\.");
        return labels.length == 2 ? labels[1] : null;
    }
}
