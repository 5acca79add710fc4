package io.inmesh.routing.internal;

import io.inmesh.core.model.HttpMatchRequest;
import io.inmesh.core.model.StringMatch;
import io.inmesh.routing.Caller;
import io.inmesh.routing.RouteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One condition of an {@link HttpMatchRequest}, compiled: all of a match's conditions must hold.
 * Evaluating one reads the request and caller and allocates nothing.
 */
@FunctionalInterface
public interface RequestCondition {

    boolean test(RouteRequest request, Caller caller);

    /**
     * The conditions of one match entry, cheapest first.
     *
     * @param match the match entry
     * @param gatewayOf resolves a gateway name written in the VirtualService's namespace
     */
    static List<RequestCondition> compile(HttpMatchRequest match, java.util.function.UnaryOperator<String> gatewayOf) {
        List<RequestCondition> conditions = new ArrayList<>();
        boolean ignoreUriCase = Boolean.TRUE.equals(match.ignoreUriCase());
        if (match.uri() != null) {
            StringMatcher uri = StringMatcher.of(match.uri(), ignoreUriCase);
            conditions.add((request, caller) -> uri.matches(request.path()));
        }
        if (match.scheme() != null) {
            StringMatcher scheme = StringMatcher.of(match.scheme(), false);
            conditions.add((request, caller) -> scheme.matches(request.scheme()));
        }
        if (match.method() != null) {
            StringMatcher method = StringMatcher.of(match.method(), false);
            conditions.add((request, caller) -> method.matches(request.method()));
        }
        if (match.authority() != null) {
            StringMatcher authority = StringMatcher.of(match.authority(), false);
            conditions.add((request, caller) -> authority.matches(request.authority()));
        }
        for (Map.Entry<String, StringMatch> header : match.headers().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            StringMatcher value = StringMatcher.of(header.getValue(), false);
            conditions.add((request, caller) -> {
                String actual = request.header(name);
                return actual != null && value.matches(actual);
            });
        }
        for (Map.Entry<String, StringMatch> header : match.withoutHeaders().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            StringMatcher value = StringMatcher.of(header.getValue(), false);
            // Istio sets invert_match, and treat_missing_header_as_empty for value matchers: an absent
            // header passes a presence check's inversion, and is compared as "" otherwise.
            boolean presence = value.isPresenceOnly();
            conditions.add((request, caller) -> {
                String actual = request.header(name);
                if (actual == null) {
                    return presence || !value.matches("");
                }
                return !presence && !value.matches(actual);
            });
        }
        for (Map.Entry<String, StringMatch> parameter : match.queryParams().entrySet()) {
            String name = parameter.getKey();
            StringMatcher value = StringMatcher.of(parameter.getValue(), false);
            conditions.add((request, caller) -> {
                String actual = request.queryParameter(name);
                return actual != null && value.matches(actual);
            });
        }
        if (match.port() != null) {
            int port = match.port();
            conditions.add((request, caller) -> request.port() == port);
        }
        if (!match.gateways().isEmpty()) {
            // As Istio: a match that names gateways is checked against them only, never against the
            // caller's labels or namespace.
            Set<String> gateways = Set.copyOf(match.gateways().stream().map(gatewayOf).toList());
            conditions.add((request, caller) -> gateways.contains(caller.gateway()));
            return List.copyOf(conditions);
        }
        if (!match.sourceLabels().isEmpty()) {
            String[] keys = match.sourceLabels().keySet().toArray(String[]::new);
            String[] values = match.sourceLabels().values().toArray(String[]::new);
            conditions.add((request, caller) -> {
                Map<String, String> callerLabels = caller.labels();
                for (int i = 0; i < keys.length; i++) {
                    if (!values[i].equals(callerLabels.get(keys[i]))) {
                        return false;
                    }
                }
                return true;
            });
        }
        if (match.sourceNamespace() != null) {
            String namespace = match.sourceNamespace();
            conditions.add((request, caller) -> namespace.equals(caller.namespace()));
        }
        return List.copyOf(conditions);
    }
}
