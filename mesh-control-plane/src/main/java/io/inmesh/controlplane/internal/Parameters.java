package io.inmesh.controlplane.internal;

import io.inmesh.core.LocalWorkload;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks what a workload says about itself (query parameters of the rules stream, fields of a report),
 * each failure a {@link BadRequest} naming the parameter, the value and what was expected.
 */
public final class Parameters {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** Kubernetes object names: DNS-1123 subdomains. */
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    /** Label keys: an optional DNS-subdomain prefix and a name of letters, digits, '-', '_', '.'. */
    private static final Pattern LABEL_KEY =
            Pattern.compile("([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    private static final int MAX_INSTANCE = 253;

    private Parameters() {
    }

    /**
     * The workload a rules stream is for, from its query parameters (each decoded, each at most once).
     *
     * @return the workload and its instance
     */
    public static Map.Entry<LocalWorkload, WorkloadId> workload(Map<String, List<String>> query) {
        String namespace = namespace(single(query, "namespace", true));
        String name = name(single(query, "name", true));
        String instance = instance(single(query, "instance", false), name);
        Map<String, String> labels = labels(single(query, "labels", false));
        return Map.entry(LocalWorkload.of(name, namespace, labels), new WorkloadId(namespace, name, instance));
    }

    static String single(Map<String, List<String>> query, String parameter, boolean required) {
        List<String> values = query.getOrDefault(parameter, List.of());
        if (values.size() > 1) {
            throw new BadRequest("query parameter " + parameter + ": given " + values.size() + " times (expected: once)");
        }
        if (values.isEmpty()) {
            if (required) {
                throw new BadRequest("query parameter " + parameter + ": missing (expected: " + expected(parameter) + ")");
            }
            return null;
        }
        return values.get(0);
    }

    private static String expected(String parameter) {
        return switch (parameter) {
            case "namespace" -> "the workload's namespace, a DNS-1123 label such as bookinfo";
            case "name" -> "the workload's name, a DNS-1123 subdomain such as productpage-v1";
            default -> "a value";
        };
    }

    /** A namespace: a DNS-1123 label. */
    public static String namespace(String value) {
        if (value == null || !DNS_LABEL.matcher(value).matches()) {
            throw new BadRequest("namespace: " + quote(value) + " (expected: a DNS-1123 label: at most 63 lower-case letters,"
                    + " digits and '-', starting and ending with a letter or digit)");
        }
        return value;
    }

    /** A workload name: a DNS-1123 subdomain. */
    public static String name(String value) {
        if (value == null || !DNS_SUBDOMAIN.matcher(value).matches()) {
            throw new BadRequest("name: " + quote(value) + " (expected: a DNS-1123 subdomain such as productpage-v1: at most 253"
                    + " lower-case letters, digits, '-' and '.', starting and ending with a letter or digit)");
        }
        return value;
    }

    /** An instance, or {@code name} when absent. */
    public static String instance(String value, String name) {
        if (value == null) {
            return name;
        }
        if (value.isEmpty() || value.length() > MAX_INSTANCE || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new BadRequest("instance: " + quote(value) + " (expected: 1 to " + MAX_INSTANCE
                    + " characters without control characters, such as a pod name or host:pid)");
        }
        return value;
    }

    /** {@code key=value[,key=value…]}; absent or empty is no labels. */
    public static Map<String, String> labels(String value) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (value == null || value.isEmpty()) {
            return labels;
        }
        for (String pair : value.split(",", -1)) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            String labelValue = equals < 0 ? null : pair.substring(equals + 1);
            if (labelValue == null || !LABEL_KEY.matcher(key).matches() || !LABEL_VALUE.matcher(labelValue).matches()) {
                throw new BadRequest("labels: " + quote(value) + ": " + quote(pair) + " (expected: key=value pairs joined by ',',"
                        + " such as app=productpage,version=v1, keys and values as Kubernetes labels)");
            }
            if (labels.put(key, labelValue) != null) {
                throw new BadRequest("labels: " + quote(value) + ": key " + quote(key) + " given twice (expected: each key once)");
            }
        }
        return labels;
    }

    private static String quote(String value) {
        if (value == null) {
            return "missing";
        }
        String shown = value.length() > 100 ? value.substring(0, 100) + "…" : value;
        return "\"" + shown + "\"";
    }
}
