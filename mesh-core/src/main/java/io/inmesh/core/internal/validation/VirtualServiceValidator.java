package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.FieldChecks.at;
import static io.inmesh.core.internal.validation.FieldChecks.isEmpty;
import static io.inmesh.core.internal.validation.FieldChecks.list;
import static io.inmesh.core.internal.validation.FieldChecks.map;
import static io.inmesh.core.internal.validation.FieldChecks.quote;

import io.inmesh.core.config.Durations;
import io.inmesh.core.config.Hosts;
import io.inmesh.core.model.Headers;
import io.inmesh.core.model.HttpBody;
import io.inmesh.core.model.HttpDirectResponse;
import io.inmesh.core.model.HttpFaultInjection;
import io.inmesh.core.model.HttpMatchRequest;
import io.inmesh.core.model.HttpMirrorPolicy;
import io.inmesh.core.model.HttpRedirect;
import io.inmesh.core.model.HttpRetry;
import io.inmesh.core.model.HttpRewrite;
import io.inmesh.core.model.HttpRoute;
import io.inmesh.core.model.HttpRouteDestination;
import io.inmesh.core.model.VirtualService;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Istio's checks of a VirtualService's hosts, gateways and HTTP routes, and the routes no request can reach. */
final class VirtualServiceValidator {

    /** Envoy's {@code x-envoy-retry-on} and {@code x-envoy-retry-grpc-on} conditions that Istio accepts. */
    private static final List<String> RETRY_CONDITIONS = List.of(
            "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "retriable-4xx", "refused-stream",
            "retriable-status-codes", "retriable-headers", "envoy-ratelimited", "http3-post-connect-failure",
            "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable");

    /** Status codes with a reason phrase in Go's {@code net/http}: the numeric retry conditions Istio accepts. */
    private static final Set<Integer> KNOWN_STATUS_CODES = Set.of(
            100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
            400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423,
            424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511);

    private static final Set<String> GRPC_STATUSES = Set.of(
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
            "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
            "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED");

    /** Redirect codes Envoy has an action for; Istio accepts any 3xx, but the others produce a broken route. */
    private static final Set<Integer> ENVOY_REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);

    private static final int KIB = 1024;

    private VirtualServiceValidator() {
    }

    static void validate(FieldChecks check, VirtualService spec) {
        List<String> gateways = list(spec.gateways());
        boolean boundToGateway = !gateways.isEmpty() && !gateways.contains("mesh");
        hosts(check, list(spec.hosts()), !boundToGateway);
        check.gatewayNames("spec.gateways", gateways);
        if (list(spec.http()).isEmpty() && list(spec.tcp()).isEmpty() && list(spec.tls()).isEmpty()) {
            check.error("spec.http", "no http, tcp or tls routes", "at least one route");
        }
        List<HttpRoute> routes = list(spec.http());
        for (int i = 0; i < routes.size(); i++) {
            route(check, at("spec.http", i), routes.get(i));
        }
        unreachableRoutes(check, routes);
        check.exportTo("spec.exportTo", spec.exportTo(), false);
    }

    private static void hosts(FieldChecks check, List<String> hosts, boolean boundToMesh) {
        boolean allValid = true;
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i);
            if (!Formats.isWildcardDomain(host) && !Formats.isIpAddress(host)) {
                check.error(at("spec.hosts", i), quote(host), "a DNS name such as reviews or *.example.com, or an IP address");
                allValid = false;
            } else if (boundToMesh && host.equals("*")) {
                check.error(at("spec.hosts", i), quote(host), "named hosts; * is allowed only when bound to gateways");
                allValid = false;
            }
        }
        for (int i = 0; allValid && i < hosts.size(); i++) {
            for (int j = i + 1; j < hosts.size(); j++) {
                if (Hosts.overlap(hosts.get(i), hosts.get(j))) {
                    check.error(at("spec.hosts", j), quote(hosts.get(j)) + " overlaps " + quote(hosts.get(i)),
                            "distinct hosts in one VirtualService");
                }
            }
        }
    }

    private static void route(FieldChecks check, String path, HttpRoute route) {
        boolean forwards = check.atMostOne(path, "route", route.route(), "redirect", route.redirect(),
                "directResponse", route.directResponse(), "delegate", route.delegate());
        if (list(route.route()).isEmpty() && route.redirect() == null && route.directResponse() == null && route.delegate() == null) {
            check.error(path, "no route, redirect, directResponse or delegate", "exactly one of them");
        }
        String answer = route.redirect() != null ? "redirect" : route.directResponse() != null ? "directResponse" : null;
        if (forwards && answer != null) {
            if (route.fault() != null) {
                check.error(path + ".fault", "fault and " + answer + " set", "fault only on a route that forwards");
            }
            if (route.rewrite() != null) {
                check.error(path + ".rewrite", "rewrite and " + answer + " set", "rewrite only on a route that forwards");
            }
        }
        check.atMostOne(path, "mirror", route.mirror(), "mirrors", route.mirrors());
        List<HttpMatchRequest> matches = list(route.match());
        for (int j = 0; j < matches.size(); j++) {
            match(check, at(path + ".match", j), matches.get(j));
        }
        headerOperations(check, path + ".headers", route.headers());
        authorityRewrittenOnce(check, path, route);
        fault(check, path + ".fault", route.fault());
        check.percentage(path + ".mirrorPercentage", route.mirrorPercentage());
        if (route.mirrorPercent() != null) {
            check.warning(path + ".mirrorPercent", "deprecated (still honoured when mirrorPercentage is not set): use mirrorPercentage");
        }
        if (route.mirror() != null) {
            check.destination(path + ".mirror", route.mirror());
        }
        List<HttpMirrorPolicy> mirrors = list(route.mirrors());
        for (int k = 0; k < mirrors.size(); k++) {
            check.destination(at(path + ".mirrors", k) + ".destination", mirrors.get(k).destination());
            check.percentage(at(path + ".mirrors", k) + ".percentage", mirrors.get(k).percentage());
        }
        redirect(check, path + ".redirect", route.redirect());
        directResponse(check, path + ".directResponse", route.directResponse());
        retries(check, path + ".retries", route.retries());
        rewrite(check, path + ".rewrite", route.rewrite());
        destinations(check, path + ".route", list(route.route()));
        check.duration(path + ".timeout", route.timeout());
    }

    private static void match(FieldChecks check, String path, HttpMatchRequest match) {
        map(match.headers()).forEach((name, value) -> {
            headerMatchName(check, at(path + ".headers", name), name);
            check.stringMatch(at(path + ".headers", name), value, false);
        });
        map(match.withoutHeaders()).forEach((name, value) -> {
            headerMatchName(check, at(path + ".withoutHeaders", name), name);
            // regex "*" asks for absence of the header; it is not an RE2 expression.
            if (value != null && !"*".equals(value.regex())) {
                check.stringMatch(at(path + ".withoutHeaders", name), value, false);
            }
        });
        check.stringMatch(path + ".uri", match.uri(), true);
        check.stringMatch(path + ".scheme", match.scheme(), false);
        check.stringMatch(path + ".method", match.method(), false);
        check.stringMatch(path + ".authority", match.authority(), false);
        map(match.queryParams()).forEach((name, value) -> check.stringMatch(at(path + ".queryParams", name), value, false));
        if (match.port() != null && match.port() != 0) {
            check.port(path + ".port", match.port());
        }
        check.labels(path + ".sourceLabels", match.sourceLabels());
        check.gatewayNames(path + ".gateways", match.gateways());
        if (!isEmpty(match.sourceNamespace())) {
            check.dns1123Label(path + ".sourceNamespace", match.sourceNamespace(), "a namespace");
        }
    }

    private static void headerMatchName(FieldChecks check, String path, String name) {
        // JWT claim keys are reported by UnsupportedFields; Istio accepts them only in VirtualServices bound to gateways.
        if (!Formats.isJwtClaimHeader(name) && !Formats.isHeaderName(name)) {
            check.error(path, "header name " + quote(name), "letters, digits, '-' and '_'; no pseudo-headers such as :path");
        }
    }

    /** Header names and values of {@code set}, {@code add} and {@code remove}, as Istio restricts them. */
    private static void headerOperations(FieldChecks check, String path, Headers headers) {
        if (headers == null) {
            return;
        }
        if (headers.request() != null) {
            String request = path + ".request";
            map(headers.request().set()).forEach((name, value) -> settableHeader(check, at(request + ".set", name), name, value, true));
            map(headers.request().add()).forEach((name, value) -> settableHeader(check, at(request + ".add", name), name, value, true));
            List<String> remove = list(headers.request().remove());
            for (int i = 0; i < remove.size(); i++) {
                settableHeader(check, at(request + ".remove", i), remove.get(i), null, false);
            }
        }
        if (headers.response() != null) {
            String response = path + ".response";
            map(headers.response().set()).forEach((name, value) -> settableHeader(check, at(response + ".set", name), name, value, false));
            map(headers.response().add()).forEach((name, value) -> settableHeader(check, at(response + ".add", name), name, value, false));
            List<String> remove = list(headers.response().remove());
            for (int i = 0; i < remove.size(); i++) {
                settableHeader(check, at(response + ".remove", i), remove.get(i), null, false);
            }
        }
    }

    private static void settableHeader(FieldChecks check, String path, String name, String value, boolean authorityAllowed) {
        if (name.isEmpty()) {
            check.error(path, "empty header name", "a header name");
        } else if (authorityAllowed && isAuthority(name)) {
            // A request's authority may be set here; it rewrites the Host.
        } else if (name.startsWith(":")) {
            check.error(path, "header " + quote(name), "a header name without the ':' of pseudo-headers");
        } else if (name.equalsIgnoreCase("host")) {
            check.error(path, "header " + quote(name), "a header other than Host; rewrite.authority changes it");
        }
        if (value != null) {
            headerValue(check, path, value);
        }
    }

    private static boolean isAuthority(String name) {
        return name.equalsIgnoreCase(":authority") || name.equalsIgnoreCase("host");
    }

    /** No control characters but tab, and Envoy's {@code %VARIABLE%} syntax: a literal % is written %%. */
    private static void headerValue(FieldChecks check, String path, String value) {
        if (value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
            check.error(path, "header value with a control character", "printable characters and tab");
            return;
        }
        int i = 0;
        while (i < value.length()) {
            if (value.charAt(i) != '%') {
                i++;
            } else if (i + 1 < value.length() && value.charAt(i + 1) == '%') {
                i += 2;
            } else {
                int end = value.indexOf('%', i + 1);
                if (end < 0) {
                    check.error(path, quote(value), "%% for a literal % or a closed %VARIABLE% expression");
                    return;
                }
                i = end + 1;
            }
        }
    }

    /** rewrite.authority and a request header :authority or host must not both set the authority. */
    private static void authorityRewrittenOnce(FieldChecks check, String path, HttpRoute route) {
        String current = route.rewrite() == null ? null : route.rewrite().authority();
        String setter = isEmpty(current) ? null : path + ".rewrite.authority";
        if (route.headers() == null || route.headers().request() == null) {
            return;
        }
        for (String operation : List.of("set", "add")) {
            Map<String, String> headers = map(operation.equals("set") ? route.headers().request().set() : route.headers().request().add());
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if (!isAuthority(header.getKey())) {
                    continue;
                }
                String headerPath = at(path + ".headers.request." + operation, header.getKey());
                if (setter != null) {
                    check.error(headerPath, "authority set again to " + quote(header.getValue()),
                            "the authority set once; " + setter + " already sets it");
                    return;
                }
                setter = headerPath;
            }
        }
    }

    private static void fault(FieldChecks check, String path, HttpFaultInjection fault) {
        if (fault == null) {
            return;
        }
        if (fault.abort() == null && fault.delay() == null) {
            check.error(path, "no delay or abort", "a delay, an abort or both");
        }
        HttpFaultInjection.Abort abort = fault.abort();
        if (abort != null) {
            String abortPath = path + ".abort";
            check.faultPercentage(abortPath + ".percentage", abort.percentage());
            if (check.atMostOne(abortPath, "httpStatus", abort.httpStatus(), "grpcStatus", abort.grpcStatus(), "http2Error", abort.http2Error())) {
                if (abort.http2Error() != null) {
                    check.error(abortPath + ".http2Error", quote(abort.http2Error()), "httpStatus or grpcStatus; Istio does not support http2Error");
                } else if (abort.grpcStatus() != null) {
                    if (!GRPC_STATUSES.contains(abort.grpcStatus())) {
                        check.error(abortPath + ".grpcStatus", quote(abort.grpcStatus()), "a gRPC status name such as UNAVAILABLE or NOT_FOUND");
                    }
                } else if (abort.httpStatus() != null) {
                    check.httpStatus(abortPath + ".httpStatus", abort.httpStatus());
                } else {
                    check.warning(abortPath, "no httpStatus or grpcStatus", "one; without it nothing is aborted");
                }
            }
        }
        HttpFaultInjection.Delay delay = fault.delay();
        if (delay != null) {
            String delayPath = path + ".delay";
            check.faultPercentage(delayPath + ".percentage", delay.percentage());
            if (delay.percent() != null) {
                check.warning(delayPath + ".percent", "deprecated (still honoured when percentage is not set): use percentage");
            }
            if (delay.exponentialDelay() != null) {
                check.error(delayPath + ".exponentialDelay", Durations.format(delay.exponentialDelay()),
                        "fixedDelay; Istio does not support exponentialDelay");
            } else if (delay.fixedDelay() != null) {
                check.duration(delayPath + ".fixedDelay", delay.fixedDelay());
            } else {
                check.warning(delayPath, "no fixedDelay", "one; without it nothing is delayed");
            }
        }
    }

    private static void redirect(FieldChecks check, String path, HttpRedirect redirect) {
        if (redirect == null) {
            return;
        }
        if (isEmpty(redirect.uri()) && isEmpty(redirect.authority()) && isEmpty(redirect.scheme())
                && redirect.port() == null && redirect.derivePort() == null) {
            check.error(path, "empty redirect", "at least one of uri, authority, scheme, port, derivePort");
        }
        check.atMostOne(path, "port", redirect.port(), "derivePort", redirect.derivePort());
        Integer code = redirect.redirectCode();
        if (code != null && code != 0 && (code < 300 || code > 399)) {
            check.error(path + ".redirectCode", code, "a redirect status 300..399");
        } else if (code != null && code != 0 && !ENVOY_REDIRECT_CODES.contains(code)) {
            check.warning(path + ".redirectCode", code, "301, 302, 303, 307 or 308; Envoy has no redirect action for other codes");
        }
        if (!isEmpty(redirect.scheme()) && !redirect.scheme().equals("http") && !redirect.scheme().equals("https")) {
            check.error(path + ".scheme", quote(redirect.scheme()), "http or https");
        }
        if (redirect.port() != null && redirect.port() != 0) {
            check.port(path + ".port", redirect.port());
        }
    }

    private static void directResponse(FieldChecks check, String path, HttpDirectResponse response) {
        if (response == null) {
            return;
        }
        check.httpStatus(path + ".status", response.status());
        HttpBody body = response.body();
        if (body == null || !check.atMostOne(path + ".body", "string", body.string(), "bytes", body.bytes())) {
            return;
        }
        int size;
        String bodyPath;
        if (body.bytes() != null) {
            bodyPath = path + ".body.bytes";
            byte[] decoded = decodeBase64(body.bytes());
            if (decoded == null) {
                check.error(bodyPath, "text that is not base64", "base64-encoded bytes");
                return;
            }
            size = decoded.length;
        } else {
            bodyPath = path + ".body.string";
            size = body.string() == null ? 0 : body.string().getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > 1024 * KIB) {
            check.error(bodyPath, "body of " + size + " bytes", "at most 1 MiB");
        } else if (size > 100 * KIB) {
            check.warning(bodyPath, "body of " + size + " bytes", "at most 100 KiB; large bodies slow every config push");
        }
    }

    private static byte[] decodeBase64(String text) {
        // Protobuf's JSON form accepts standard and URL-safe base64, padded or not.
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException standard) {
            try {
                return Base64.getUrlDecoder().decode(text);
            } catch (IllegalArgumentException urlSafe) {
                return null;
            }
        }
    }

    private static void retries(FieldChecks check, String path, HttpRetry retries) {
        if (retries == null) {
            return;
        }
        Integer attempts = retries.attempts();
        if (attempts != null && attempts < 0) {
            check.nonNegative(path + ".attempts", attempts);
        } else if ((attempts == null || attempts == 0)
                && (retries.perTryTimeout() != null || !isEmpty(retries.retryOn()) || retries.retryRemoteLocalities() != null)) {
            check.error(path + ".attempts", attempts == null ? "missing" : "0",
                    "attempts >= 1 when perTryTimeout, retryOn or retryRemoteLocalities is set; 0 disables retries");
        }
        check.duration(path + ".perTryTimeout", retries.perTryTimeout());
        if (!isEmpty(retries.retryOn())) {
            // Split without trimming, as Istio does: "5xx, reset" is refused for its space.
            for (String condition : retries.retryOn().split(",", -1)) {
                if (!RETRY_CONDITIONS.contains(condition) && !isKnownStatusCode(condition)) {
                    check.error(path + ".retryOn", quote(condition),
                            "comma-separated conditions without spaces, each one of: " + String.join(", ", RETRY_CONDITIONS)
                                    + ", or an HTTP status code such as 503");
                }
            }
        }
    }

    private static boolean isKnownStatusCode(String condition) {
        return condition.length() == 3 && condition.chars().allMatch(Character::isDigit)
                && KNOWN_STATUS_CODES.contains(Integer.parseInt(condition));
    }

    private static void rewrite(FieldChecks check, String path, HttpRewrite rewrite) {
        if (rewrite == null) {
            return;
        }
        check.atMostOne(path, "uri", rewrite.uri(), "uriRegexRewrite", rewrite.uriRegexRewrite());
        if (isEmpty(rewrite.uri()) && isEmpty(rewrite.authority()) && rewrite.uriRegexRewrite() == null) {
            check.error(path, "empty rewrite", "at least one of uri, authority, uriRegexRewrite");
        }
        if (rewrite.uriRegexRewrite() != null) {
            String regexPath = path + ".uriRegexRewrite";
            if (isEmpty(rewrite.uriRegexRewrite().match()) || isEmpty(rewrite.uriRegexRewrite().rewrite())) {
                check.error(regexPath, "match or rewrite missing", "both match and rewrite");
            } else {
                check.regex(regexPath + ".match", rewrite.uriRegexRewrite().match());
                substitutionGroups(check, regexPath, rewrite.uriRegexRewrite().match(), rewrite.uriRegexRewrite().rewrite());
            }
        }
    }

    /**
     * Envoy refuses a {@code regex_rewrite} whose substitution names a group ({@code \N}) that the
     * expression does not have, as RE2 refuses such a rewrite; so does inmesh, rather than send a
     * literal {@code \N}.
     */
    private static void substitutionGroups(FieldChecks check, String path, String match, String substitution) {
        int groups;
        try {
            groups = com.google.re2j.Pattern.compile(match).groupCount();
        } catch (com.google.re2j.PatternSyntaxException e) {
            return; // reported with the match
        }
        int highest = -1;
        for (int i = 0; i + 1 < substitution.length(); i++) {
            if (substitution.charAt(i) == '\\') {
                char next = substitution.charAt(i + 1);
                if (next >= '0' && next <= '9') {
                    highest = Math.max(highest, next - '0');
                }
                i++;
            }
        }
        if (highest > groups) {
            check.error(path + ".rewrite", quote(substitution) + " refers to group \\" + highest + " of an expression with "
                    + groups + " group" + (groups == 1 ? "" : "s"), "references \\0 to \\" + groups);
        }
    }

    /** Istio's weight rules since 1.15: each weight >= 0, and several destinations need a total above 0. */
    private static void destinations(FieldChecks check, String path, List<HttpRouteDestination> destinations) {
        long total = 0;
        for (int k = 0; k < destinations.size(); k++) {
            HttpRouteDestination destination = destinations.get(k);
            String destinationPath = at(path, k);
            check.destination(destinationPath + ".destination", destination.destination());
            headerOperations(check, destinationPath + ".headers", destination.headers());
            check.nonNegative(destinationPath + ".weight", destination.weight());
            total += destination.weight() == null ? 0 : Math.max(0, destination.weight());
        }
        if (destinations.size() > 1 && total == 0) {
            check.error(path, "weights that total 0", "a total weight above 0 across " + destinations.size() + " destinations");
        }
    }

    /**
     * Warns about routes no request reaches: Envoy takes the first route that matches, so nothing after
     * a route without match conditions is used, and a match identical to an earlier one never wins.
     */
    private static void unreachableRoutes(FieldChecks check, List<HttpRoute> routes) {
        String catchAll = null;
        Map<HttpMatchRequest, String> seen = new HashMap<>();
        for (int i = 0; i < routes.size(); i++) {
            String path = at("spec.http", i);
            if (catchAll != null) {
                check.warning(path, "unreachable route", "it before " + catchAll + ", which has no match and takes every request");
                continue;
            }
            List<HttpMatchRequest> matches = list(routes.get(i).match());
            if (matches.isEmpty()) {
                catchAll = path;
            }
            for (int j = 0; j < matches.size(); j++) {
                String matchPath = at(path + ".match", j);
                String earlier = seen.putIfAbsent(withoutName(matches.get(j)), matchPath);
                if (earlier != null) {
                    check.warning(matchPath, "match identical to " + earlier, "distinct matches; the earlier one takes these requests");
                }
            }
        }
    }

    private static HttpMatchRequest withoutName(HttpMatchRequest m) {
        return new HttpMatchRequest(null, m.uri(), m.scheme(), m.method(), m.authority(), m.headers(), m.port(), m.sourceLabels(),
                m.gateways(), m.queryParams(), m.ignoreUriCase(), m.withoutHeaders(), m.sourceNamespace(), m.statPrefix());
    }
}
