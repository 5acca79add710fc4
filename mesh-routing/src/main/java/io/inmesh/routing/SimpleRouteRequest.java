package io.inmesh.routing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link RouteRequest} held in plain values: what {@code mesh route} and tests evaluate.
 * Immutable; built with {@link RouteRequest#builder()}.
 */
public final class SimpleRouteRequest implements RouteRequest {

    private final String authority;
    private final String host;
    private final int port;
    private final String method;
    private final String scheme;
    private final String path;
    private final Map<String, String> headers;
    private final Map<String, String> queryParameters;

    private SimpleRouteRequest(Builder builder) {
        this.scheme = builder.scheme;
        String hostPart = Objects.requireNonNull(builder.host, "host");
        int explicitPort = -1;
        int colon = hostPart.lastIndexOf(':');
        if (colon > 0 && hostPart.indexOf(']') < colon && hostPart.substring(colon + 1).chars().allMatch(Character::isDigit)
                && colon < hostPart.length() - 1) {
            explicitPort = Integer.parseInt(hostPart.substring(colon + 1));
            hostPart = hostPart.substring(0, colon);
        }
        this.host = hostPart;
        this.port = builder.port > 0 ? builder.port : explicitPort > 0 ? explicitPort : defaultPort(scheme);
        this.authority = builder.authority != null ? builder.authority
                : builder.port > 0 || explicitPort > 0 ? host + ":" + port : host;
        this.method = builder.method;
        String fullPath = builder.path;
        int question = fullPath.indexOf('?');
        Map<String, String> query = new LinkedHashMap<>();
        if (question >= 0) {
            parseQuery(fullPath.substring(question + 1), query);
            fullPath = fullPath.substring(0, question);
        }
        builder.queryParameters.forEach(query::putIfAbsent);
        this.path = fullPath;
        this.queryParameters = Map.copyOf(query);
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : builder.headers) {
            grouped.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(header.getValue());
        }
        Map<String, String> joined = new LinkedHashMap<>();
        grouped.forEach((name, values) -> joined.put(name, String.join(",", values)));
        this.headers = Map.copyOf(joined);
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    private static void parseQuery(String query, Map<String, String> into) {
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            into.putIfAbsent(name, value);
        }
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    @Override
    public String authority() {
        return authority;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    @Override
    public String queryParameter(String name) {
        return queryParameters.get(name);
    }

    /** All headers, names in lower case, several values joined with {@code ,}. */
    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public String toString() {
        return method + " " + scheme + "://" + authority + path;
    }

    /** Builds a {@link SimpleRouteRequest}; {@link #host} is required, the rest has defaults. */
    public static final class Builder {
        private String host;
        private String authority;
        private int port = -1;
        private String method = "GET";
        private String scheme = "http";
        private String path = "/";
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private final Map<String, String> queryParameters = new LinkedHashMap<>();

        Builder() {
        }

        /** The host called, short or fully qualified, optionally with {@code :port}. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The authority header, when it differs from {@code host[:port]}. */
        public Builder authority(String authority) {
            this.authority = authority;
            return this;
        }

        /** The destination port; by default the port in the host, else the scheme's default. */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " (expected 1..65535)");
            }
            this.port = port;
            return this;
        }

        public Builder method(String method) {
            this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
            return this;
        }

        public Builder scheme(String scheme) {
            this.scheme = Objects.requireNonNull(scheme, "scheme").toLowerCase(Locale.ROOT);
            return this;
        }

        /** The path, optionally with a query string: {@code /reviews/1?x=y}. */
        public Builder path(String path) {
            Objects.requireNonNull(path, "path");
            this.path = path.startsWith("/") ? path : "/" + path;
            return this;
        }

        /** Adds a header value; a name given twice has both values. */
        public Builder header(String name, String value) {
            headers.add(Map.entry(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")));
            return this;
        }

        /** Sets a query parameter (one given in the path takes precedence). */
        public Builder queryParameter(String name, String value) {
            queryParameters.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public SimpleRouteRequest build() {
            return new SimpleRouteRequest(this);
        }
    }
}
