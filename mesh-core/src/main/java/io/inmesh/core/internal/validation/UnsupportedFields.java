package io.inmesh.core.internal.validation;

import static io.inmesh.core.model.ResourceKind.AUTHORIZATION_POLICY;
import static io.inmesh.core.model.ResourceKind.DESTINATION_RULE;
import static io.inmesh.core.model.ResourceKind.GATEWAY;
import static io.inmesh.core.model.ResourceKind.PEER_AUTHENTICATION;
import static io.inmesh.core.model.ResourceKind.REQUEST_AUTHENTICATION;
import static io.inmesh.core.model.ResourceKind.SIDECAR;
import static io.inmesh.core.model.ResourceKind.VIRTUAL_SERVICE;

import io.inmesh.core.config.Severity;
import io.inmesh.core.model.ResourceKind;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one table of what Istio defines and inmesh does not implement. A field found here is a warning
 * ("unsupported: corsPolicy is ignored by inmesh"), or an error where ignoring it could widen access
 * or a match, so that security configuration fails closed. When inmesh implements a field, its row
 * goes.
 *
 * <p>Paths are written like diagnostic paths, with {@code [*]} for every list item or map entry,
 * {@code [key]} for one map key and {@code [prefix*]} for keys that start with a prefix.
 */
final class UnsupportedFields {

    /**
     * One row of the table.
     *
     * @param kind the resource kind
     * @param path where the field is, such as {@code spec.http[*].corsPolicy}
     * @param value the one value that is unsupported, or {@code null} for any value
     * @param absent whether the row is about the field being absent or empty, rather than set
     * @param severity warning, or error to fail closed
     * @param subject what the message calls the field; {@code null} for its name (and value)
     * @param note why, or what to use instead; may be {@code null}
     */
    record Entry(ResourceKind kind, String path, String value, boolean absent, Severity severity, String subject, String note) {
    }

    private static final String WIDENS_ACCESS = "ignoring it could widen access";

    static final List<Entry> ENTRIES = entries();

    private static final Map<Entry, List<String>> SEGMENTS = ENTRIES.stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(e -> e, e -> segments(e.path()), (a, b) -> a));

    private UnsupportedFields() {
    }

    private static List<Entry> entries() {
        List<Entry> rows = new ArrayList<>(List.of(
                warn(VIRTUAL_SERVICE, "spec.tcp", null),
                warn(VIRTUAL_SERVICE, "spec.tls", null),
                new Entry(VIRTUAL_SERVICE, "spec.hosts", null, true, Severity.WARNING, "a VirtualService without hosts (a delegate)", null),
                warn(VIRTUAL_SERVICE, "spec.http[*].delegate", null),
                warn(VIRTUAL_SERVICE, "spec.http[*].corsPolicy", null),
                warn(VIRTUAL_SERVICE, "spec.http[*].match[*].statPrefix", null),
                reject(VIRTUAL_SERVICE, "spec.http[*].match[*].headers[@request.auth.claims*]", "JWT claim routing",
                        "ignoring the condition would widen the match"),
                reject(VIRTUAL_SERVICE, "spec.http[*].match[*].withoutHeaders[@request.auth.claims*]", "JWT claim routing",
                        "ignoring the condition would widen the match"),
                warn(DESTINATION_RULE, "spec.workloadSelector", null),
                warn(SIDECAR, "spec.ingress", null),
                warn(SIDECAR, "spec.inboundConnectionPool", null),
                warn(SIDECAR, "spec.egress[*].port", "the listener's hosts apply to every port"),
                warn(SIDECAR, "spec.egress[*].bind", null),
                warn(SIDECAR, "spec.egress[*].captureMode", null),
                warn(GATEWAY, "spec.servers[*].defaultEndpoint", "Istio does not implement it either"),
                reject(PEER_AUTHENTICATION, "spec.targetRef", null, "ignoring it would apply the mode to the whole namespace"),
                reject(PEER_AUTHENTICATION, "spec.targetRefs", null, "ignoring it would apply the mode to the whole namespace"),
                reject(REQUEST_AUTHENTICATION, "spec.targetRef", null, "ignoring it would accept the tokens in the whole namespace"),
                reject(REQUEST_AUTHENTICATION, "spec.targetRefs", null, "ignoring it would accept the tokens in the whole namespace"),
                reject(AUTHORIZATION_POLICY, "spec.targetRef", null, WIDENS_ACCESS),
                reject(AUTHORIZATION_POLICY, "spec.targetRefs", null, WIDENS_ACCESS),
                new Entry(AUTHORIZATION_POLICY, "spec.action", "CUSTOM", false, Severity.ERROR, null, "the external authorizer is not called"),
                warn(AUTHORIZATION_POLICY, "metadata.annotations[istio.io/dry-run]", "the policy is enforced")));
        // DestinationRule settings, wherever a traffic policy can hold them.
        for (String policy : List.of("spec.trafficPolicy", "spec.subsets[*].trafficPolicy")) {
            for (String level : List.of(policy, policy + ".portLevelSettings[*]")) {
                rows.add(warn(DESTINATION_RULE, level + ".loadBalancer.localityLbSetting", null));
                rows.add(warn(DESTINATION_RULE, level + ".connectionPool.tcp.tcpKeepalive", null));
                rows.add(warn(DESTINATION_RULE, level + ".connectionPool.tcp.maxConnectionDuration", null));
                rows.add(warn(DESTINATION_RULE, level + ".connectionPool.http.h2UpgradePolicy", null));
                rows.add(warn(DESTINATION_RULE, level + ".connectionPool.http.useClientProtocol", null));
                rows.add(warn(DESTINATION_RULE, level + ".connectionPool.http.maxConcurrentStreams", null));
            }
            rows.add(warn(DESTINATION_RULE, policy + ".tunnel", null));
            rows.add(warn(DESTINATION_RULE, policy + ".proxyProtocol", null));
        }
        return List.copyOf(rows);
    }

    private static Entry warn(ResourceKind kind, String path, String note) {
        return new Entry(kind, path, null, false, Severity.WARNING, null, note);
    }

    private static Entry reject(ResourceKind kind, String path, String subject, String reason) {
        return new Entry(kind, path, null, false, Severity.ERROR, subject, reason);
    }

    /** Reports every unsupported field the checked resource sets. */
    static void report(FieldChecks check) {
        for (Entry entry : ENTRIES) {
            if (entry.kind() != check.resource().kind()) {
                continue;
            }
            List<String> segments = SEGMENTS.get(entry);
            List<String> found = new ArrayList<>();
            find(check.resource(), segments, 0, "", entry, found);
            for (String path : found) {
                String subject = entry.subject() != null ? entry.subject() : name(path) + (entry.value() == null ? "" : " " + entry.value());
                if (entry.severity() == Severity.ERROR) {
                    check.error(path, "unsupported: " + subject + " is not implemented by inmesh (rejected rather than ignored: "
                            + entry.note() + ")");
                } else {
                    check.warning(path, "unsupported: " + subject + " is ignored by inmesh" + (entry.note() == null ? "" : " (" + entry.note() + ")"));
                }
            }
        }
    }

    private static void find(Object node, List<String> segments, int index, String path, Entry entry, List<String> found) {
        if (index == segments.size()) {
            boolean set = FieldChecks.isSet(node);
            if (entry.absent() ? !set : set && (entry.value() == null || entry.value().equals(String.valueOf(node)))) {
                found.add(path);
            }
            return;
        }
        if (node == null) {
            return;
        }
        String segment = segments.get(index);
        if (!segment.startsWith("[")) {
            find(component(node, segment), segments, index + 1, path.isEmpty() ? segment : path + "." + segment, entry, found);
            return;
        }
        String key = segment.substring(1, segment.length() - 1);
        if (node instanceof List<?> list && key.equals("*")) {
            for (int i = 0; i < list.size(); i++) {
                find(list.get(i), segments, index + 1, FieldChecks.at(path, i), entry, found);
            }
        } else if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String actual = String.valueOf(e.getKey());
                boolean matches = key.endsWith("*") ? actual.startsWith(key.substring(0, key.length() - 1)) : actual.equals(key);
                if (matches) {
                    find(e.getValue(), segments, index + 1, FieldChecks.at(path, actual), entry, found);
                }
            }
        }
    }

    /** Each record type's component accessors by name, looked up once: validation runs this per field. */
    private static final ClassValue<Map<String, java.lang.reflect.Method>> ACCESSORS = new ClassValue<>() {
        @Override
        protected Map<String, java.lang.reflect.Method> computeValue(Class<?> type) {
            Map<String, java.lang.reflect.Method> accessors = new java.util.HashMap<>();
            for (RecordComponent component : type.getRecordComponents()) {
                accessors.put(component.getName(), component.getAccessor());
            }
            return Map.copyOf(accessors);
        }
    };

    /** The value of a record's component, by its YAML (and Java) name. */
    private static Object component(Object record, String name) {
        java.lang.reflect.Method accessor = ACCESSORS.get(record.getClass()).get(name);
        if (accessor == null) {
            throw new IllegalStateException(record.getClass().getSimpleName() + " has no field " + name);
        }
        try {
            return accessor.invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + name + " of " + record.getClass().getSimpleName(), e);
        }
    }

    /** {@code spec.http[*].corsPolicy} as {@code spec}, {@code http}, {@code [*]}, {@code corsPolicy}; dots inside brackets stay. */
    static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        int i = 0;
        while (i < path.length()) {
            int end;
            if (path.charAt(i) == '[') {
                end = path.indexOf(']', i) + 1;
            } else {
                end = i;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
            }
            segments.add(path.substring(i, end));
            i = end < path.length() && path.charAt(end) == '.' ? end + 1 : end;
        }
        return segments;
    }

    /** The last name in a path: {@code corsPolicy}, or the key of a map entry such as {@code istio.io/dry-run}. */
    private static String name(String path) {
        if (path.endsWith("]")) {
            return path.substring(path.lastIndexOf('[') + 1, path.length() - 1);
        }
        return path.substring(path.lastIndexOf('.') + 1);
    }
}
