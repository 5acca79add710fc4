package io.inmesh.core.config;

import java.util.Locale;

/**
 * Host names as Istio reads them in resources: short names resolved against the resource's
 * namespace, and wildcard matching.
 */
public final class Hosts {

    /** The cluster's DNS domain, Kubernetes' default. */
    public static final String DEFAULT_DOMAIN = "cluster.local";

    private Hosts() {
    }

    /**
     * Resolves a host written in a resource of {@code namespace} the way Istio does: a name without
     * a dot gets {@code .namespace.svc.cluster.local}; a name with a dot, a wildcard {@code *} or an IP
     * address is taken as written. So {@code reviews} in {@code bookinfo} is
     * {@code reviews.bookinfo.svc.cluster.local}, while {@code reviews.bookinfo} stays as it is.
     */
    public static String resolve(String host, String namespace) {
        if (host == null || host.isEmpty() || host.equals("*") || host.indexOf('.') >= 0 || isIpAddress(host)) {
            return host;
        }
        return host + "." + namespace + ".svc." + DEFAULT_DOMAIN;
    }

    /**
     * The fully qualified name Kubernetes DNS gives {@code host} when called from {@code namespace}, or
     * {@code null} when the host is already qualified or an IP address: {@code reviews} is
     * {@code reviews.<namespace>.svc.cluster.local}, {@code reviews.bookinfo} is
     * {@code reviews.bookinfo.svc.cluster.local}, {@code reviews.bookinfo.svc} gets {@code .cluster.local}.
     */
    public static String qualify(String host, String namespace) {
        if (isIpAddress(host)) {
            return null;
        }
        int dots = 0;
        for (int i = 0; i < host.length(); i++) {
            if (host.charAt(i) == '.') {
                dots++;
            }
        }
        if (dots == 0) {
            return host + "." + namespace + ".svc." + DEFAULT_DOMAIN;
        }
        if (dots == 1) {
            return host + ".svc." + DEFAULT_DOMAIN;
        }
        if (dots == 2 && host.endsWith(".svc")) {
            return host + "." + DEFAULT_DOMAIN;
        }
        return null;
    }

    /** True for {@code *} and names that start with {@code *.}, or a {@code *} prefix such as {@code *-svc.ns}. */
    public static boolean isWildcard(String host) {
        return host.startsWith("*");
    }

    /**
     * Whether {@code pattern} (a host or a wildcard such as {@code *.bookinfo.com}) matches
     * {@code host}. Comparison ignores case, as DNS does.
     */
    public static boolean matches(String pattern, String host) {
        if (pattern.equals("*")) {
            return true;
        }
        if (isWildcard(pattern)) {
            String suffix = pattern.substring(1);
            return host.length() > suffix.length() && host.regionMatches(true, host.length() - suffix.length(), suffix, 0, suffix.length());
        }
        return pattern.equalsIgnoreCase(host);
    }

    /** Whether two host patterns can match a common host: equal, or one wildcard covers the other. */
    public static boolean overlap(String a, String b) {
        if (a.equalsIgnoreCase(b)) {
            return true;
        }
        return (isWildcard(a) && matches(a, strip(b))) || (isWildcard(b) && matches(b, strip(a)));
    }

    private static String strip(String host) {
        return isWildcard(host) ? host.substring(1) : host;
    }

    /** The lower-cased form used as a lookup key. */
    public static String normalize(String host) {
        return host.toLowerCase(Locale.ROOT);
    }

    /** A literal IPv4 or IPv6 address (no resolution is attempted). */
    public static boolean isIpAddress(String host) {
        if (host.indexOf(':') >= 0) {
            return host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit) || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
