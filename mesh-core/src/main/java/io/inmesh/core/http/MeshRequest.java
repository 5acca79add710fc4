package io.inmesh.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Flux;

/**
 * An HTTP request as the mesh's interceptors see it: method, scheme, authority, path and query,
 * headers, a streamed body, and attributes that earlier steps leave for later ones.
 *
 * <p>Immutable by contract: {@link #headers()} must not be changed in place; a step that changes
 * the request builds a new one with {@link #toBuilder()}. The body is a stream of reference-counted
 * buffers that is subscribed to at most once, by whoever sends it.
 */
public final class MeshRequest {

    private final HttpMethod method;
    private final String scheme;
    private final String authority;
    private final String host;
    private final int port;
    private final String path;
    private final String query;
    private final HttpHeaders headers;
    private final Flux<ByteBuf> body;
    private final Map<AttributeKey<?>, Object> attributes;

    private MeshRequest(Builder builder) {
        this.method = Objects.requireNonNull(builder.method, "method");
        this.scheme = builder.scheme;
        this.authority = Objects.requireNonNull(builder.authority, "authority");
        int colon = authority.lastIndexOf(':');
        boolean hasPort = colon > 0 && authority.indexOf(']', colon) < 0 && colon < authority.length() - 1;
        this.host = hasPort ? authority.substring(0, colon) : authority;
        this.port = hasPort ? Integer.parseInt(authority.substring(colon + 1)) : defaultPort(scheme);
        this.path = builder.path;
        this.query = builder.query;
        this.headers = builder.headers;
        this.body = builder.body;
        this.attributes = Map.copyOf(builder.attributes);
    }

    /** {@code base} with other attributes: everything else is immutable, so it is shared, not copied. */
    private MeshRequest(MeshRequest base, Map<AttributeKey<?>, Object> attributes) {
        this.method = base.method;
        this.scheme = base.scheme;
        this.authority = base.authority;
        this.host = base.host;
        this.port = base.port;
        this.path = base.path;
        this.query = base.query;
        this.headers = base.headers;
        this.body = base.body;
        this.attributes = attributes;
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    /** A request for {@code method} and an absolute URL such as {@code http://reviews:9080/reviews/1?x=y}. */
    public static Builder builder(HttpMethod method, String url) {
        URI uri = URI.create(url);
        if (uri.getHost() == null && uri.getAuthority() == null) {
            throw new IllegalArgumentException("URL without a host: " + url + " (expected such as http://reviews:9080/reviews/1)");
        }
        String scheme = uri.getScheme() == null ? "http" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("URL scheme " + scheme + " (expected http or https): " + url);
        }
        String rawPath = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return new Builder(method, scheme, uri.getRawAuthority(), rawPath, uri.getRawQuery());
    }

    public HttpMethod method() {
        return method;
    }

    /** {@code http} or {@code https}. */
    public String scheme() {
        return scheme;
    }

    /** The authority as called, which becomes the {@code Host} header: {@code reviews:9080}. */
    public String authority() {
        return authority;
    }

    /** The host part of the authority: {@code reviews}. */
    public String host() {
        return host;
    }

    /** The destination port: from the authority, or the scheme's default. */
    public int port() {
        return port;
    }

    /** The raw path, without the query: {@code /reviews/1}. */
    public String path() {
        return path;
    }

    /** The raw query string without {@code ?}, or {@code null}. */
    public String query() {
        return query;
    }

    /** The path with the query, as sent on the wire: {@code /reviews/1?x=y}. */
    public String pathAndQuery() {
        return query == null ? path : path + "?" + query;
    }

    /** The request headers; read them, do not change them (see {@link #toBuilder()}). */
    public HttpHeaders headers() {
        return headers;
    }

    /** The body, streamed; empty for a request without one. */
    public Flux<ByteBuf> body() {
        return body;
    }

    /**
     * Whether the request says it carries a body: a non-zero {@code content-length}, a
     * {@code transfer-encoding}, or a method that usually has one; a GET without either has none and
     * is sent without.
     */
    public boolean hasBody() {
        if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            return !"0".equals(headers.get(HttpHeaderNames.CONTENT_LENGTH));
        }
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return true;
        }
        return !(method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.DELETE)
                || method.equals(HttpMethod.OPTIONS) || method.equals(HttpMethod.TRACE));
    }

    /** An attribute an earlier step set, or {@code null}. */
    public <T> T attribute(AttributeKey<T> key) {
        Object value = attributes.get(key);
        return value == null ? null : key.cast(value);
    }

    /**
     * This request with one more attribute (or one fewer, for a {@code null} value). Steps call this
     * on every request, so it shares the headers and the body instead of copying them.
     */
    public <T> MeshRequest withAttribute(AttributeKey<T> key, T value) {
        Map<AttributeKey<?>, Object> changed = new HashMap<>(attributes);
        if (value == null) {
            changed.remove(key);
        } else {
            changed.put(key, value);
        }
        return new MeshRequest(this, Map.copyOf(changed));
    }

    /**
     * A builder that starts from this request. The headers are copied when the builder first changes
     * them, so a step that only adds attributes or replaces the body copies none.
     */
    public Builder toBuilder() {
        Builder builder = new Builder(method, scheme, authority, path, query);
        builder.headers = headers;
        builder.headersShared = true;
        builder.body = body;
        builder.attributes.putAll(attributes);
        return builder;
    }

    @Override
    public String toString() {
        return method + " " + scheme + "://" + authority + pathAndQuery();
    }

    /** Builds a {@link MeshRequest}. */
    public static final class Builder {
        private HttpMethod method;
        private String scheme;
        private String authority;
        private String path;
        private String query;
        private HttpHeaders headers = new DefaultHttpHeaders();
        /** Whether {@link #headers} are still those of the request {@link #toBuilder()} started from, to be copied before a change. */
        private boolean headersShared;
        private Flux<ByteBuf> body = Flux.empty();
        private final Map<AttributeKey<?>, Object> attributes = new HashMap<>();

        private Builder(HttpMethod method, String scheme, String authority, String path, String query) {
            this.method = method;
            this.scheme = scheme;
            this.authority = authority;
            this.path = path;
            this.query = query;
        }

        public Builder method(HttpMethod method) {
            this.method = Objects.requireNonNull(method, "method");
            return this;
        }

        /** The authority the request is for; also what the {@code Host} header will say. */
        public Builder authority(String authority) {
            this.authority = Objects.requireNonNull(authority, "authority");
            return this;
        }

        /** The raw path, starting with {@code /}, and the raw query or {@code null}. */
        public Builder pathAndQuery(String path, String query) {
            this.path = Objects.requireNonNull(path, "path");
            this.query = query;
            return this;
        }

        /** Adds a header value. */
        public Builder header(CharSequence name, Object value) {
            ownHeaders().add(name, value);
            return this;
        }

        /** Sets a header, replacing its values. */
        public Builder setHeader(CharSequence name, Object value) {
            ownHeaders().set(name, value);
            return this;
        }

        public Builder removeHeader(CharSequence name) {
            if (headers.contains(name)) {
                ownHeaders().remove(name);
            }
            return this;
        }

        /** Replaces all headers with a copy of {@code headers}. */
        public Builder headers(HttpHeaders headers) {
            this.headers = new DefaultHttpHeaders().set(headers);
            this.headersShared = false;
            return this;
        }

        public Builder body(Flux<ByteBuf> body) {
            this.body = Objects.requireNonNull(body, "body");
            return this;
        }

        public <T> Builder attribute(AttributeKey<T> key, T value) {
            if (value == null) {
                attributes.remove(key);
            } else {
                attributes.put(key, value);
            }
            return this;
        }

        public MeshRequest build() {
            if (headers.contains(HttpHeaderNames.HOST)) {
                ownHeaders().remove(HttpHeaderNames.HOST);
            }
            // The request keeps these headers: a later change through this builder must not reach it.
            headersShared = true;
            return new MeshRequest(this);
        }

        private HttpHeaders ownHeaders() {
            if (headersShared) {
                headers = new DefaultHttpHeaders().set(headers);
                headersShared = false;
            }
            return headers;
        }
    }
}
