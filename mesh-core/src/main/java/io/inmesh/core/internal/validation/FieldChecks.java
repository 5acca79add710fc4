package io.inmesh.core.internal.validation;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.inmesh.core.config.Durations;
import io.inmesh.core.internal.yaml.DiagnosticCollector;
import io.inmesh.core.model.Destination;
import io.inmesh.core.model.Percent;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.StringMatch;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of one resource, each reported at a field path such as {@code spec.http[0].timeout} and
 * located with {@link Resource#locationOf}.
 *
 * <p>Every message has one form: the value found, then what was expected in parentheses, such as
 * {@code -5 (expected an integer >= 0)} or {@code "a_b" (expected a DNS-1123 label)}. Strings are
 * quoted, numbers and durations are not. Not thread-safe: one per resource being validated.
 */
final class FieldChecks {

    /** Istio's limit on the length of a regular expression, which Envoy enforces as RE2 program size. */
    private static final int MAX_REGEX_LENGTH = 1024;
    private static final String HOST_NAME = "a DNS name such as reviews, reviews.bookinfo.svc.cluster.local or *.example.com";

    private final Resource<?> resource;
    private final DiagnosticCollector diagnostics;

    FieldChecks(Resource<?> resource, DiagnosticCollector diagnostics) {
        this.resource = resource;
        this.diagnostics = diagnostics;
    }

    Resource<?> resource() {
        return resource;
    }

    String namespace() {
        return resource.namespace();
    }

    void error(String path, String message) {
        diagnostics.error(resource.locationOf(path), resource.key(), path, message);
    }

    void warning(String path, String message) {
        diagnostics.warning(resource.locationOf(path), resource.key(), path, message);
    }

    /** Reports {@code found (expected expectation)} as an error. */
    void error(String path, Object found, String expectation) {
        error(path, found + " (expected " + expectation + ")");
    }

    /** Reports {@code found (expected expectation)} as a warning. */
    void warning(String path, Object found, String expectation) {
        warning(path, found + " (expected " + expectation + ")");
    }

    // --- small helpers shared by the validators ---

    static String quote(String value) {
        return "\"" + value + "\"";
    }

    static String at(String path, int index) {
        return path + "[" + index + "]";
    }

    static String at(String path, Object key) {
        return path + "[" + key + "]";
    }

    /** The list, or an empty one for resources built in code with a null list. */
    static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }

    static <K, V> Map<K, V> map(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    static boolean isSet(Object value) {
        if (value instanceof Collection<?> collection) {
            return !collection.isEmpty();
        }
        if (value instanceof Map<?, ?> map) {
            return !map.isEmpty();
        }
        if (value instanceof String string) {
            return !string.isEmpty();
        }
        return value != null;
    }

    static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }

    static String number(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /**
     * Reports an error when more than one of the named fields under {@code path} is set, such as
     * {@code route and redirect set (expected only one of: route, redirect, directResponse)}.
     *
     * @param namesAndValues alternating field names and values
     * @return whether at most one is set
     */
    boolean atMostOne(String path, Object... namesAndValues) {
        List<String> names = new ArrayList<>();
        List<String> set = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            names.add((String) namesAndValues[i]);
            if (isSet(namesAndValues[i + 1])) {
                set.add((String) namesAndValues[i]);
            }
        }
        if (set.size() <= 1) {
            return true;
        }
        String both = String.join(", ", set.subList(0, set.size() - 1)) + " and " + set.get(set.size() - 1);
        error(path + "." + set.get(1), both + " set", "only one of: " + String.join(", ", names));
        return false;
    }

    // --- numbers ---

    void port(String path, Integer port) {
        if (port != null && (port < 1 || port > 65535)) {
            error(path, port, "a port number 1..65535");
        }
    }

    void nonNegative(String path, Number value) {
        if (value != null && value.longValue() < 0) {
            error(path, value, "an integer >= 0");
        }
    }

    /** An integer percentage such as {@code maxEjectionPercent}: 0..100. */
    void percent(String path, Integer value) {
        if (value != null && (value < 0 || value > 100)) {
            error(path, value, "a percentage 0..100");
        }
    }

    /** A {@code Percent} of requests: 0..100. */
    void percentage(String path, Percent percent) {
        if (percent != null && percent.value() != null && (percent.value() < 0 || percent.value() > 100)) {
            error(path + ".value", number(percent.value()), "a percentage 0..100");
        }
    }

    /** A fault's {@code Percent}: 0, or 0.0001..100 as Envoy's resolution allows. */
    void faultPercentage(String path, Percent percent) {
        if (percent == null || percent.value() == null) {
            return;
        }
        double value = percent.value();
        if (value < 0 || value > 100 || (value > 0 && value < 0.0001)) {
            error(path + ".value", number(value), "0 or a percentage 0.0001..100");
        }
    }

    /** An HTTP status Istio accepts for faults and direct responses. */
    void httpStatus(String path, Integer status) {
        if (status == null || status < 200 || status > 599) {
            error(path, status == null ? "missing" : status, "an HTTP status 200..599");
        }
    }

    // --- durations and patterns ---

    /** A duration Istio accepts: at least 1ms, in whole milliseconds. */
    void duration(String path, Duration duration) {
        if (duration == null) {
            return;
        }
        if (duration.compareTo(Duration.ofMillis(1)) < 0) {
            error(path, Durations.format(duration), "a duration >= 1ms");
        } else if (duration.getNano() % 1_000_000 != 0) {
            error(path, Durations.format(duration), "a duration in whole milliseconds");
        }
    }

    /** A regular expression that RE2 compiles; the RE2 error is reported with it. */
    void regex(String path, String regex) {
        if (regex.isEmpty()) {
            error(path, quote(regex), "a non-empty RE2 regular expression");
            return;
        }
        if (regex.length() > MAX_REGEX_LENGTH) {
            error(path, "regex of " + regex.length() + " characters", "at most " + MAX_REGEX_LENGTH);
            return;
        }
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            error(path, quote(regex) + ": " + e.getDescription(), "an RE2 regular expression");
        }
    }

    /**
     * A string match: at most one of exact, prefix and regex; a prefix that is not empty unless
     * {@code emptyPrefixAllowed} (only the uri allows one); a regex RE2 compiles.
     */
    void stringMatch(String path, StringMatch match, boolean emptyPrefixAllowed) {
        if (match == null || !atMostOne(path, "exact", match.exact(), "prefix", match.prefix(), "regex", match.regex())) {
            return;
        }
        if (match.prefix() != null && match.prefix().isEmpty() && !emptyPrefixAllowed) {
            error(path + ".prefix", quote(""), "a non-empty prefix");
        }
        if (match.regex() != null) {
            regex(path + ".regex", match.regex());
        }
    }

    // --- names ---

    /** A host such as {@code reviews}, {@code reviews.bookinfo.svc.cluster.local} or {@code *.example.com}. */
    boolean host(String path, String host) {
        if (isEmpty(host)) {
            error(path, "missing host", HOST_NAME);
            return false;
        }
        if (!Formats.isWildcardDomain(host)) {
            error(path, quote(host), HOST_NAME);
            return false;
        }
        return true;
    }

    void fqdn(String path, String host, String expectation) {
        if (isEmpty(host) || !Formats.isFqdn(host)) {
            error(path, host == null ? "missing" : quote(host), expectation);
        }
    }

    void dns1123Label(String path, String value, String what) {
        if (value == null || !Formats.isDns1123Label(value)) {
            error(path, value == null ? "missing" : quote(value),
                    what + ", a DNS-1123 label: letters, digits and '-', starting and ending with a letter or digit");
        }
    }

    void ipAddress(String path, String value) {
        if (!Formats.isIpAddress(value)) {
            error(path, quote(value), "an IP address");
        }
    }

    void ipOrCidr(String path, String value) {
        if (!Formats.isIpOrCidr(value)) {
            error(path, quote(value), "an IP address or a CIDR block such as 10.0.0.0/16");
        }
    }

    void protocol(String path, String protocol) {
        if (protocol != null && !Formats.isProtocol(protocol)) {
            error(path, quote(protocol), "one of: HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS, MYSQL, UDP");
        }
    }

    /** Kubernetes labels, such as a subset's or a workload's. */
    void labels(String path, Map<String, String> labels) {
        map(labels).forEach((key, value) -> {
            if (!Formats.isLabelKey(key)) {
                error(at(path, key), "label key " + quote(key), "a label key such as app or example.com/app");
            } else if (!Formats.isLabelValue(value)) {
                error(at(path, key), quote(value), "a label value: letters, digits, '-', '_' and '.'");
            }
        });
    }

    /**
     * A workload selector's labels: no empty key and no wildcard; an empty selector is a warning,
     * because it selects every workload of the namespace.
     */
    void selector(String path, Map<String, String> labels) {
        if (map(labels).isEmpty()) {
            warning(path, "no labels", "labels; an empty selector applies to every workload in the namespace");
            return;
        }
        labels.forEach((key, value) -> {
            if (key.isEmpty()) {
                error(at(path, key), "empty label key", "a label key");
            } else if (key.contains("*") || value.contains("*")) {
                error(at(path, key), quote(key + "=" + value), "labels without wildcards");
            }
        });
    }

    /** A destination: a host other than {@code *}, a subset that is a DNS label, a port 1..65535. */
    void destination(String path, Destination destination) {
        if (destination == null) {
            error(path, "missing destination", "a destination with a host");
            return;
        }
        if ("*".equals(destination.host())) {
            error(path + ".host", quote("*"), "a service host, not a wildcard for all hosts");
        } else {
            host(path + ".host", destination.host());
        }
        if (destination.subset() != null) {
            dns1123Label(path + ".subset", destination.subset(), "a subset name");
        }
        if (destination.port() != null) {
            Integer number = destination.port().number();
            port(path + ".port.number", number == null ? 0 : number);
        }
    }

    /** {@code exportTo}: {@code .}, {@code *} or namespaces, each once; {@code ~} only for a ServiceEntry. */
    void exportTo(String path, List<String> exportTo, boolean serviceEntry) {
        Set<String> seen = new HashSet<>();
        List<String> entries = list(exportTo);
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            String itemPath = at(path, i);
            String key = entry.equals(".") ? namespace() : entry;
            boolean valid = entry.equals(".") || entry.equals("*") || (entry.equals("~") && serviceEntry)
                    || Formats.isDns1123Label(entry);
            if (!valid) {
                error(itemPath, quote(entry), "\".\", \"*\"" + (serviceEntry ? ", \"~\"" : "") + " or a namespace");
            } else if (!seen.add(key)) {
                error(itemPath, "duplicate " + quote(entry) + (key.equals(entry) ? "" : " (the resource's own namespace)"),
                        "each namespace once");
            }
        }
        if (entries.size() > 1 && (seen.contains("*") || seen.contains("~"))) {
            String alone = seen.contains("*") ? "*" : "~";
            error(at(path, entries.indexOf(alone)), quote(alone) + " with other entries", quote(alone) + " alone");
        }
    }

    /**
     * A host of a Sidecar egress listener ({@code namespace/dnsName}) or a Gateway server (where the
     * namespace is optional and an IP address is allowed): the dnsName is fully qualified or
     * {@code *}, with a wildcard only as its whole first label.
     */
    void namespacedHost(String path, String value, boolean gateway) {
        String form = gateway ? "[namespace/]dnsName, such as uk.bookinfo.com or ./*.bookinfo.com"
                : "namespace/dnsName, such as ./reviews.bookinfo.svc.cluster.local or istio-system/*";
        int slash = value.indexOf('/');
        if (slash < 0 && !gateway) {
            error(path, quote(value), form);
            return;
        }
        String namespace = slash < 0 ? "*" : value.substring(0, slash);
        String name = value.substring(slash + 1);
        if (namespace.isEmpty() || name.isEmpty()) {
            error(path, quote(value), form + " with both parts");
        } else if (!namespace.equals("*") && !namespace.equals(".") && !(namespace.equals("~") && !gateway)
                && !Formats.isDns1123Label(namespace)) {
            error(path, quote(value), "a namespace that is *, ., " + (gateway ? "" : "~, ") + "or a DNS-1123 label");
        } else if (!name.equals("*") && !name.contains(".")) {
            error(path, quote(value), "a fully qualified dnsName or *; short names are not allowed here");
        } else if (!Formats.isWildcardDomain(name) && !(gateway && Formats.isIpAddress(name))) {
            error(path, quote(value), form);
        } else if (Formats.isPartialWildcard(name)) {
            error(path, quote(value), "a wildcard only as the whole first label, such as *.example.com");
        }
    }

    /** Gateway references: {@code mesh}, {@code name}, {@code namespace/name}, or the legacy {@code name.namespace...}. */
    void gatewayNames(String path, List<String> gateways) {
        List<String> names = list(gateways);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String itemPath = at(path, i);
            int slash = name.indexOf('/');
            if (slash < 0) {
                if (!Formats.isFqdn(name)) {
                    error(itemPath, quote(name), "a gateway as namespace/name, name, or mesh");
                } else if (name.contains(".")) {
                    String[] parts = name.split("\\.");
                    warning(itemPath, quote(name), "the namespace/name form: " + quote(parts[1] + "/" + parts[0]));
                }
            } else if (!Formats.isDns1123Label(name.substring(0, slash)) || !Formats.isDns1123Label(name.substring(slash + 1))) {
                error(itemPath, quote(name), "a gateway as namespace/name, both DNS-1123 labels");
            }
        }
    }
}
