package io.inmesh.core.internal.validation;

import com.google.re2j.Pattern;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * The string formats Istio's validation accepts: DNS names and labels, Kubernetes label keys and
 * values, IP addresses and CIDR blocks, HTTP header names, protocols. Pure predicates, as Istio's
 * {@code labels}, {@code host} and {@code agent} validation packages define them.
 */
final class Formats {

    private static final String LABEL = "[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?";
    private static final Pattern DNS1123_LABEL = Pattern.compile(LABEL);
    private static final Pattern WILDCARD_LABEL = Pattern.compile("\\*|(?:\\*|\\*-)?" + LABEL);
    private static final String QUALIFIED_NAME = "(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final Pattern LABEL_KEY = Pattern.compile("(?:(" + LABEL + "(?:\\." + LABEL + ")*)/)?(" + QUALIFIED_NAME + ")");
    private static final Pattern LABEL_VALUE = Pattern.compile("(?:" + QUALIFIED_NAME + ")?");
    private static final Pattern HEADER_NAME = Pattern.compile("[-_A-Za-z0-9]+");
    private static final Pattern JWT_CLAIM_HEADER = Pattern.compile("@request\\.auth\\.claims(?:\\.[^.\\[\\]]+|(?:\\[[^\\[\\]]+\\])+)");

    /** Protocols of service and gateway ports, as Istio's {@code protocol.Parse} knows them (lower case). */
    private static final Set<String> PROTOCOLS = Set.of(
            "tcp", "udp", "grpc", "grpc-web", "http", "http_proxy", "http2", "https", "tls", "mongo", "redis", "mysql");
    private static final Set<String> HTTP_PROTOCOLS = Set.of("http", "http2", "http_proxy", "grpc", "grpc-web");
    private static final Set<String> TLS_PROTOCOLS = Set.of("https", "tls");

    private Formats() {
    }

    /** A DNS-1123 label of at most 63 characters; Istio accepts upper case. */
    static boolean isDns1123Label(String value) {
        return value.length() <= 63 && DNS1123_LABEL.matches(value);
    }

    /** A DNS name whose labels are all DNS-1123 labels and whose last label is not all digits; a trailing dot is allowed. */
    static boolean isFqdn(String name) {
        return name.length() <= 255 && !name.isEmpty() && areDnsLabels(name);
    }

    /** Like {@link #isFqdn}, but the first label may be a wildcard: {@code *}, {@code *.example.com}, {@code *-x.example.com}. */
    static boolean isWildcardDomain(String name) {
        if (name.isEmpty() || name.length() > 255) {
            return false;
        }
        int dot = name.indexOf('.');
        String first = dot < 0 ? name : name.substring(0, dot);
        return first.length() <= 63 && WILDCARD_LABEL.matches(first) && (dot < 0 || areDnsLabels(name.substring(dot + 1)));
    }

    private static boolean areDnsLabels(String domain) {
        String[] labels = domain.split("\\.", -1);
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit) && !labels[labels.length - 1].isEmpty()) {
            return false;
        }
        for (int i = 0; i < labels.length; i++) {
            boolean trailingDot = i == labels.length - 1 && labels[i].isEmpty();
            if (!trailingDot && !isDns1123Label(labels[i])) {
                return false;
            }
        }
        return true;
    }

    /** A wildcard anywhere but as a whole first label, such as {@code *foo.com}; Istio refuses these in some places. */
    static boolean isPartialWildcard(String host) {
        return host.contains("*") && !host.equals("*") && !host.startsWith("*.");
    }

    /** A literal IPv4 or IPv6 address, without resolving anything. */
    static boolean isIpAddress(String value) {
        if (value.indexOf(':') >= 0) {
            int zone = value.indexOf('%');
            String address = zone < 0 ? value : value.substring(0, zone);
            if ((zone >= 0 && zone == value.length() - 1)
                    || !address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return false;
            }
            try {
                // A string with ':' is parsed as an IPv6 literal; no name lookup happens.
                InetAddress.getByName(address);
                return true;
            } catch (UnknownHostException | IllegalArgumentException | SecurityException e) {
                return false;
            }
        }
        String[] parts = value.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || (part.length() > 1 && part.charAt(0) == '0') || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** An IP address, or a CIDR block such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}. */
    static boolean isIpOrCidr(String value) {
        int slash = value.indexOf('/');
        if (slash < 0) {
            return isIpAddress(value);
        }
        String address = value.substring(0, slash);
        String bits = value.substring(slash + 1);
        if (!isIpAddress(address) || bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit)
                || (bits.length() > 1 && bits.charAt(0) == '0')) {
            return false;
        }
        return Integer.parseInt(bits) <= (address.indexOf(':') >= 0 ? 128 : 32);
    }

    /** A Kubernetes label key: an optional DNS prefix and {@code /}, then a name of at most 63 characters. */
    static boolean isLabelKey(String key) {
        var matcher = LABEL_KEY.matcher(key);
        if (!matcher.matches()) {
            return false;
        }
        String prefix = matcher.group(1);
        return (prefix == null || prefix.length() <= 253) && matcher.group(2).length() <= 63;
    }

    /** A Kubernetes label value; empty is allowed. */
    static boolean isLabelValue(String value) {
        return LABEL_VALUE.matches(value);
    }

    /** An HTTP header name as Istio accepts it in matches: letters, digits, '-' and '_'. */
    static boolean isHeaderName(String name) {
        return HEADER_NAME.matches(name);
    }

    /** A header match key that routes on a JWT claim, such as {@code @request.auth.claims.group}. */
    static boolean isJwtClaimHeader(String name) {
        return JWT_CLAIM_HEADER.matches(name);
    }

    /** A protocol name Istio knows, in any case; empty means "detect". */
    static boolean isProtocol(String protocol) {
        return protocol.isEmpty() || PROTOCOLS.contains(protocol.toLowerCase(Locale.ROOT));
    }

    static boolean isHttpProtocol(String protocol) {
        return protocol != null && HTTP_PROTOCOLS.contains(protocol.toLowerCase(Locale.ROOT));
    }

    static boolean isTlsProtocol(String protocol) {
        return protocol != null && TLS_PROTOCOLS.contains(protocol.toLowerCase(Locale.ROOT));
    }

    /** The path of a {@code unix://} address: absolute and not a directory, or an abstract {@code @name}. */
    static boolean isUnixSocketPath(String path) {
        return path.startsWith("@") || (path.startsWith("/") && !path.endsWith("/"));
    }

    /** Envoy's rule for a prime Maglev table size: 1, 2 and 3 count, even numbers do not. */
    static boolean isEnvoyPrime(long x) {
        if (x != 0 && x < 4) {
            return true;
        }
        if ((x & 1) == 0) {
            return false;
        }
        long limit = (long) Math.sqrt((double) x);
        for (long factor = 3; factor <= limit; factor += 2) {
            if (x % factor == 0) {
                return false;
            }
        }
        return true;
    }
}
