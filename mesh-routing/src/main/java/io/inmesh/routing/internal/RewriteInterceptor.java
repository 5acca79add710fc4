package io.inmesh.routing.internal;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.spi.MeshInterceptor;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RoutePolicy;
import io.inmesh.routing.RoutingAttributes;
import io.inmesh.routing.WeightedDestination;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * The rewrite step: changes the request as Envoy's router does before forwarding it, and the
 * upstream's response on its way back.
 *
 * <p>Request, in Envoy's order: the path ({@code rewrite.uri} as Envoy's {@code prefix_rewrite}:
 * the prefix the route matched is replaced, or the whole path when the route matched it exactly or
 * by regex; or {@code rewrite.uriRegexRewrite} as {@code regex_rewrite}: every match in the path
 * replaced; the query string is kept either way); then the header operations of the chosen
 * destination, then the route's (a route's operation wins over a destination's on the same header,
 * as Envoy applies the less specific level last), each level removing, then setting, then adding;
 * then the authority. Setting {@code host} or {@code :authority} rewrites the authority, as Istio
 * turns it into Envoy's {@code host_rewrite_literal}; {@code rewrite.authority} wins over it.
 *
 * <p>Response: the destination's response header operations, then the route's.
 */
public final class RewriteInterceptor implements MeshInterceptor {

    /** Compiled regex rewrites, by expression and substitution; config is bounded, but guard anyway. */
    private static final int CACHE_LIMIT = 4096;

    private final Map<String, RegexRewrite> regexRewrites = new ConcurrentHashMap<>();

    public RewriteInterceptor(RoutingRuntime runtime) {
    }

    @Override
    public Mono<MeshResponse> intercept(MeshRequest request, Chain chain) {
        RouteDecision decision = request.attribute(RoutingAttributes.DECISION);
        if (decision == null) {
            return chain.proceed(request);
        }
        RoutePolicy policy = decision.policy();
        WeightedDestination destination = request.attribute(RoutingAttributes.DESTINATION);
        RoutePolicy.HeaderOperations destinationRequest = destination == null ? RoutePolicy.HeaderOperations.NONE : destination.requestHeaders();
        RoutePolicy.HeaderOperations destinationResponse = destination == null ? RoutePolicy.HeaderOperations.NONE : destination.responseHeaders();
        boolean changesRequest = policy.rewrite() != null || !destinationRequest.isEmpty() || !policy.requestHeaders().isEmpty();
        boolean changesResponse = !destinationResponse.isEmpty() || !policy.responseHeaders().isEmpty();
        MeshRequest forwarded = changesRequest ? rewrite(request, policy, destinationRequest) : request;
        Mono<MeshResponse> response = chain.proceed(forwarded);
        if (!changesResponse) {
            return response;
        }
        return response.map(upstream -> {
            HttpHeaders headers = new DefaultHttpHeaders().set(upstream.headers());
            apply(destinationResponse, headers);
            apply(policy.responseHeaders(), headers);
            return upstream.withHeaders(headers);
        });
    }

    private MeshRequest rewrite(MeshRequest request, RoutePolicy policy, RoutePolicy.HeaderOperations destinationHeaders) {
        MeshRequest.Builder builder = request.toBuilder();
        RoutePolicy.Rewrite rewrite = policy.rewrite();
        if (rewrite != null && (rewrite.uri() != null || rewrite.regex() != null)) {
            builder.pathAndQuery(rewritePath(rewrite, request.path()), request.query());
        }
        HttpHeaders headers = new DefaultHttpHeaders().set(request.headers());
        String authority = apply(destinationHeaders, headers);
        String routeAuthority = apply(policy.requestHeaders(), headers);
        if (routeAuthority != null) {
            authority = routeAuthority;
        }
        if (rewrite != null && rewrite.authority() != null) {
            authority = rewrite.authority();
        }
        builder.headers(headers);
        if (authority != null) {
            builder.authority(authority);
        }
        return builder.build();
    }

    /** The path after {@code rewrite}: a regex rewrite, or a prefix (or whole-path) replacement. */
    String rewritePath(RoutePolicy.Rewrite rewrite, String path) {
        if (rewrite.regex() != null) {
            return regexRewrite(rewrite.regex(), rewrite.regexSubstitution()).apply(path);
        }
        String prefix = rewrite.matchedPrefix();
        if (prefix == null) {
            // Envoy: a route that matched the whole path (exact or regex) has it all replaced.
            return rewrite.uri();
        }
        // Envoy's prefix_rewrite replaces exactly the matched prefix, which matched case-insensitively
        // under ignoreUriCase; with prefix "/" and uri "/v1", "/a" becomes "/v1a", as in Envoy.
        if (path.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return rewrite.uri() + path.substring(prefix.length());
        }
        return rewrite.uri() + path;
    }

    private RegexRewrite regexRewrite(String regex, String substitution) {
        String key = regex + '\u0000' + substitution;
        RegexRewrite compiled = regexRewrites.get(key);
        if (compiled == null) {
            if (regexRewrites.size() >= CACHE_LIMIT) {
                regexRewrites.clear();
            }
            compiled = regexRewrites.computeIfAbsent(key, k -> RegexRewrite.compile(regex, substitution));
        }
        return compiled;
    }

    /**
     * Applies {@code operations} to {@code headers} in Envoy's order (remove, set, add) and returns the
     * authority they set through {@code host} or {@code :authority}, or {@code null}. Other
     * pseudo-headers are not headers of an HTTP/1.1 message and are left out.
     */
    static String apply(RoutePolicy.HeaderOperations operations, HttpHeaders headers) {
        if (operations.isEmpty()) {
            return null;
        }
        String authority = null;
        for (String name : operations.remove()) {
            if (!isPseudoOrHost(name)) {
                headers.remove(name);
            }
        }
        for (Map.Entry<String, String> set : operations.set().entrySet()) {
            if (isAuthority(set.getKey())) {
                authority = literal(set.getValue());
            } else if (!isPseudoOrHost(set.getKey())) {
                headers.set(set.getKey(), literal(set.getValue()));
            }
        }
        for (Map.Entry<String, String> add : operations.add().entrySet()) {
            if (isAuthority(add.getKey())) {
                authority = literal(add.getValue()); // a request has one authority: Istio makes this a rewrite too
            } else if (!isPseudoOrHost(add.getKey())) {
                headers.add(add.getKey(), literal(add.getValue()));
            }
        }
        return authority;
    }

    /**
     * A header value as Envoy sends it: {@code %%} is a literal {@code %}. Envoy's {@code %VARIABLE%}
     * expressions (such as {@code %DOWNSTREAM_REMOTE_ADDRESS%}) are not evaluated by inmesh: they are
     * sent as written.
     */
    static String literal(String value) {
        return value.indexOf('%') < 0 ? value : value.replace("%%", "%");
    }

    private static boolean isAuthority(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("host") || lower.equals(":authority");
    }

    private static boolean isPseudoOrHost(String name) {
        return name.startsWith(":") || name.equalsIgnoreCase("host");
    }

    /**
     * Envoy's {@code regex_rewrite}: every non-overlapping match of an RE2 expression in the path is
     * replaced by the substitution, in which {@code \0}..{@code \9} stand for the match and its
     * groups and {@code \\} for a backslash (RE2's {@code GlobalReplace}).
     */
    record RegexRewrite(Pattern pattern, List<Object> parts) {

        static RegexRewrite compile(String regex, String substitution) {
            Pattern pattern = Pattern.compile(regex);
            List<Object> parts = new ArrayList<>();
            StringBuilder literal = new StringBuilder();
            String text = substitution == null ? "" : substitution;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\\' && i + 1 < text.length()) {
                    char next = text.charAt(i + 1);
                    if (next >= '0' && next <= '9' && next - '0' <= pattern.groupCount()) {
                        if (literal.length() > 0) {
                            parts.add(literal.toString());
                            literal.setLength(0);
                        }
                        parts.add(next - '0');
                        i++;
                        continue;
                    }
                    if (next == '\\') {
                        literal.append('\\');
                        i++;
                        continue;
                    }
                }
                literal.append(c);
            }
            if (literal.length() > 0) {
                parts.add(literal.toString());
            }
            return new RegexRewrite(pattern, List.copyOf(parts));
        }

        String apply(String path) {
            Matcher matcher = pattern.matcher(path);
            StringBuilder out = null;
            int last = 0;
            while (matcher.find()) {
                if (out == null) {
                    out = new StringBuilder(path.length() + 16);
                }
                out.append(path, last, matcher.start());
                for (Object part : parts) {
                    if (part instanceof Integer group) {
                        String value = matcher.group(group);
                        out.append(value == null ? "" : value);
                    } else {
                        out.append((String) part);
                    }
                }
                last = matcher.end();
            }
            if (out == null) {
                return path;
            }
            return out.append(path, last, path.length()).toString();
        }
    }
}
