package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.model.ConsistentHashLb;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What a consistent-hash balancer hashes, from {@code consistentHash}: a header, a cookie, the source,
 * or a query parameter, hashed with xxHash64 as Envoy's hash policies do. A request without the key
 * has no hash (the balancer then picks at random, as Envoy does). With {@code httpCookie.ttl} set and
 * the cookie absent, a cookie is generated, the request is hashed on it and the caller is given it in
 * {@code Set-Cookie}, so that its next requests stick to the same endpoint.
 */
abstract sealed class HashPolicy {

    /** A request's hash, and the {@code Set-Cookie} value to return when a cookie was generated for it. */
    record Hash(Long value, String setCookie) {
        static final Hash NONE = new Hash(null, null);
    }

    /** The policy of {@code settings}, or {@code null} when it names no key. */
    static HashPolicy of(ConsistentHashLb settings) {
        if (settings == null) {
            return null;
        }
        if (settings.httpHeaderName() != null && !settings.httpHeaderName().isEmpty()) {
            return new OnHeader(settings.httpHeaderName());
        }
        if (settings.httpCookie() != null && settings.httpCookie().name() != null) {
            return new OnCookie(settings.httpCookie());
        }
        if (Boolean.TRUE.equals(settings.useSourceIp())) {
            return new OnSource();
        }
        if (settings.httpQueryParameterName() != null && !settings.httpQueryParameterName().isEmpty()) {
            return new OnQueryParameter(settings.httpQueryParameterName());
        }
        return null;
    }

    /**
     * The hash of {@code request}; {@code source} identifies the calling workload.
     */
    abstract Hash hash(MeshRequest request, String source, RoutingRuntime runtime);

    /** Hashes a header's values: one value alone, several sorted and chained, as Envoy's header hash does. */
    static final class OnHeader extends HashPolicy {
        private final String name;

        OnHeader(String name) {
            this.name = name.toLowerCase(Locale.ROOT);
        }

        @Override
        Hash hash(MeshRequest request, String source, RoutingRuntime runtime) {
            List<String> values = switch (name) {
                case ":authority", "host" -> List.of(request.authority());
                case ":path" -> List.of(request.pathAndQuery());
                case ":method" -> List.of(request.method().name());
                default -> request.headers().getAll(name);
            };
            if (values.isEmpty()) {
                return Hash.NONE;
            }
            if (values.size() == 1) {
                return new Hash(XxHash64.hash(values.get(0)), null);
            }
            List<String> sorted = new ArrayList<>(values);
            Collections.sort(sorted);
            long hash = 0;
            for (String value : sorted) {
                hash = XxHash64.hash(value, hash);
            }
            return new Hash(hash, null);
        }
    }

    /** Hashes a cookie's value; generates the cookie when absent and a ttl is set. */
    static final class OnCookie extends HashPolicy {
        private final ConsistentHashLb.HttpCookie cookie;

        OnCookie(ConsistentHashLb.HttpCookie cookie) {
            this.cookie = cookie;
        }

        @Override
        Hash hash(MeshRequest request, String source, RoutingRuntime runtime) {
            String value = cookieValue(request, cookie.name());
            if (value != null) {
                return new Hash(XxHash64.hash(value), null);
            }
            if (cookie.ttl() == null) {
                return Hash.NONE;
            }
            // Envoy derives the value from the downstream connection's address; the application is
            // this mesh's downstream and has no connection of its own, so the value is drawn at random.
            String generated = String.format("%016x", runtime.rng().nextLong());
            return new Hash(XxHash64.hash(generated), setCookie(generated));
        }

        /** {@code name="value"; Max-Age=N; Path=p; attributes...; HttpOnly}, as Envoy writes it; no Max-Age for a ttl of 0 (a session cookie). */
        String setCookie(String value) {
            StringBuilder text = new StringBuilder(cookie.name()).append("=\"").append(value).append('"');
            Duration ttl = cookie.ttl();
            if (!ttl.isZero()) {
                text.append("; Max-Age=").append(ttl.toSeconds());
            }
            if (cookie.path() != null && !cookie.path().isEmpty()) {
                text.append("; Path=").append(cookie.path());
            }
            if (cookie.attributes() != null) {
                for (ConsistentHashLb.CookieAttribute attribute : cookie.attributes()) {
                    text.append("; ").append(attribute.name());
                    if (attribute.value() != null && !attribute.value().isEmpty()) {
                        text.append('=').append(attribute.value());
                    }
                }
            }
            return text.append("; HttpOnly").toString();
        }

        static String cookieValue(MeshRequest request, String name) {
            for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
                for (String pair : header.split(";")) {
                    int equals = pair.indexOf('=');
                    if (equals > 0 && pair.substring(0, equals).trim().equals(name)) {
                        String value = pair.substring(equals + 1).trim();
                        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                            value = value.substring(1, value.length() - 1);
                        }
                        return value;
                    }
                }
            }
            return null;
        }
    }

    /**
     * Hashes the source. A sidecar hashes the calling pod's address, the same for every request the
     * application makes; in process the caller is the local workload, so its identity is hashed:
     * all of one workload's requests go to one endpoint, and different workloads spread.
     */
    static final class OnSource extends HashPolicy {
        @Override
        Hash hash(MeshRequest request, String source, RoutingRuntime runtime) {
            return new Hash(XxHash64.hash(source), null);
        }
    }

    /** Hashes the first value of a query parameter, as it is written in the URL (not decoded), as Envoy does. */
    static final class OnQueryParameter extends HashPolicy {
        private final String name;

        OnQueryParameter(String name) {
            this.name = name;
        }

        @Override
        Hash hash(MeshRequest request, String source, RoutingRuntime runtime) {
            String query = request.query();
            if (query == null) {
                return Hash.NONE;
            }
            for (String pair : query.split("&")) {
                int equals = pair.indexOf('=');
                String key = equals < 0 ? pair : pair.substring(0, equals);
                if (key.equals(name)) {
                    return new Hash(XxHash64.hash(equals < 0 ? "" : pair.substring(equals + 1)), null);
                }
            }
            return Hash.NONE;
        }
    }
}
