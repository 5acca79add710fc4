package io.inmesh.routing;

import io.inmesh.core.config.Durations;
import io.inmesh.core.config.Hosts;
import io.inmesh.core.model.Destination;
import io.inmesh.core.model.HttpFaultInjection;
import io.inmesh.core.model.HttpMatchRequest;
import io.inmesh.core.model.HttpMirrorPolicy;
import io.inmesh.core.model.HttpRoute;
import io.inmesh.core.model.Percent;
import io.inmesh.core.model.StringMatch;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What a matched route does besides choosing a destination: its timeout, retries, faults, mirrors,
 * rewrite and header operations, compiled once from the route (and the match entry that matched)
 * with Istio's defaults filled in. Immutable.
 *
 * @param timeout the route timeout, bounding the whole call including retries; {@code null} when
 *     disabled (Istio's default, and {@code timeout: 0s})
 * @param retries the retry policy; Istio's default when the route sets none
 * @param fault the faults to inject, or {@code null}
 * @param mirrors where copies of requests go, each with its share
 * @param rewrite the URI and authority rewrite, or {@code null}
 * @param requestHeaders the route's operations on request headers
 * @param responseHeaders the route's operations on response headers
 */
public record RoutePolicy(
        Duration timeout,
        RetryPolicy retries,
        Fault fault,
        List<Mirror> mirrors,
        Rewrite rewrite,
        HeaderOperations requestHeaders,
        HeaderOperations responseHeaders) {

    /** The policy of a request no VirtualService routes: no timeout, Istio's default retries. */
    public static final RoutePolicy DEFAULT = new RoutePolicy(null, RetryPolicy.ISTIO_DEFAULT, null, List.of(), null,
            HeaderOperations.NONE, HeaderOperations.NONE);

    /** Shares are decided per million, as Istio hands percentages to Envoy. */
    static final int MILLION = 1_000_000;

    public RoutePolicy {
        Objects.requireNonNull(retries, "retries");
        mirrors = List.copyOf(mirrors);
        Objects.requireNonNull(requestHeaders, "requestHeaders");
        Objects.requireNonNull(responseHeaders, "responseHeaders");
    }

    /**
     * Compiles the policy of {@code route} for requests that matched its {@code match} entry
     * ({@code null} when the route has no match entries); short destination hosts resolve in
     * {@code namespace}.
     */
    public static RoutePolicy of(HttpRoute route, HttpMatchRequest match, String namespace) {
        Duration timeout = route.timeout() == null || route.timeout().isZero() ? null : route.timeout();
        List<Mirror> mirrors = new ArrayList<>();
        if (route.mirror() != null && route.mirror().host() != null) {
            int share = route.mirrorPercentage() != null ? perMillion(route.mirrorPercentage())
                    : route.mirrorPercent() != null ? route.mirrorPercent() * 10_000 : MILLION;
            mirrors.add(Mirror.of(route.mirror(), share, namespace));
        }
        for (HttpMirrorPolicy mirror : route.mirrors()) {
            if (mirror.destination() != null && mirror.destination().host() != null) {
                mirrors.add(Mirror.of(mirror.destination(), mirror.percentage() == null ? MILLION : perMillion(mirror.percentage()), namespace));
            }
        }
        HeaderOperations request = HeaderOperations.NONE;
        HeaderOperations response = HeaderOperations.NONE;
        if (route.headers() != null) {
            request = HeaderOperations.of(route.headers().request());
            response = HeaderOperations.of(route.headers().response());
        }
        return new RoutePolicy(timeout, RetryPolicy.of(route.retries()), Fault.of(route.fault()), mirrors,
                Rewrite.of(route.rewrite(), match), request, response);
    }

    /** Whether this policy changes nothing beyond Istio's defaults. */
    public boolean isDefault() {
        return equals(DEFAULT);
    }

    /**
     * A percentage as parts per million, exactly as Istio hands it to Envoy: {@code uint32(value *
     * 10000)}, truncated, so {@code 0.57} (5699.99… per million in doubles) is 5699; {@code null} is 0.
     */
    static int perMillion(Percent percent) {
        if (percent == null || percent.value() == null) {
            return 0;
        }
        return (int) (Math.max(0, Math.min(100, percent.value())) * 10_000);
    }

    /** Whether a draw from {@code random} falls within {@code perMillion} parts per million. */
    static boolean draw(int perMillion, RandomGenerator random) {
        return perMillion >= MILLION || (perMillion > 0 && random.nextInt(MILLION) < perMillion);
    }

    /** {@code 12.5%} from parts per million. */
    static String percent(int perMillion) {
        return java.math.BigDecimal.valueOf(perMillion, 4).stripTrailingZeros().toPlainString() + "%";
    }

    /**
     * Faults injected into requests that match the route, decided per request: first the delay, then
     * the abort, as Envoy's fault filter does.
     *
     * @param delay how long a delayed request waits before it goes on, or {@code null}
     * @param delayPerMillion the share of requests delayed, per million
     * @param abortStatus the HTTP status of an aborted request, or 0 when the abort is a gRPC status
     * @param abortGrpcStatus the gRPC status code of an aborted request, or -1
     * @param abortPerMillion the share of requests aborted, per million; 0 without an abort
     */
    public record Fault(Duration delay, int delayPerMillion, int abortStatus, int abortGrpcStatus, int abortPerMillion) {

        static Fault of(HttpFaultInjection fault) {
            if (fault == null) {
                return null;
            }
            Duration delay = null;
            int delayShare = 0;
            if (fault.delay() != null && fault.delay().fixedDelay() != null) {
                delay = fault.delay().fixedDelay();
                // Istio: the percentage, else the deprecated integer percent, else none.
                delayShare = fault.delay().percentage() != null ? perMillion(fault.delay().percentage())
                        : fault.delay().percent() != null ? fault.delay().percent() * 10_000 : 0;
            }
            int status = 0;
            int grpc = -1;
            int abortShare = 0;
            if (fault.abort() != null) {
                if (fault.abort().httpStatus() != null) {
                    status = fault.abort().httpStatus();
                } else if (fault.abort().grpcStatus() != null) {
                    grpc = GrpcStatus.code(fault.abort().grpcStatus());
                }
                abortShare = status == 0 && grpc < 0 ? 0 : perMillion(fault.abort().percentage());
            }
            if ((delay == null || delayShare == 0) && abortShare == 0) {
                return null;
            }
            return new Fault(delay, delayShare, status, grpc, abortShare);
        }

        /** Whether this request is delayed, drawn from {@code random}. */
        public boolean delays(RandomGenerator random) {
            return delay != null && draw(delayPerMillion, random);
        }

        /** Whether this request is aborted, drawn from {@code random}. */
        public boolean aborts(RandomGenerator random) {
            return draw(abortPerMillion, random);
        }

        /** {@code delay 7s (100%), abort 500 (10%)}. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            if (delay != null && delayPerMillion > 0) {
                parts.add("delay " + Durations.format(delay) + " (" + percent(delayPerMillion) + ")");
            }
            if (abortPerMillion > 0) {
                parts.add("abort " + (abortStatus > 0 ? String.valueOf(abortStatus) : "grpc-status " + abortGrpcStatus)
                        + " (" + percent(abortPerMillion) + ")");
            }
            return String.join(", ", parts);
        }
    }

    /**
     * A mirror: a copy of the request goes to {@code destination}, its response dropped.
     *
     * @param destination where copies go; its weight is unused
     * @param perMillion the share of requests mirrored, per million
     */
    public record Mirror(WeightedDestination destination, int perMillion) {

        static Mirror of(Destination destination, int perMillion, String namespace) {
            Integer port = destination.port() != null ? destination.port().number() : null;
            return new Mirror(new WeightedDestination(Hosts.resolve(destination.host(), namespace), destination.subset(), port, 100),
                    perMillion);
        }

        /** Whether this request is mirrored, drawn from {@code random}. */
        public boolean mirrors(RandomGenerator random) {
            return draw(perMillion, random);
        }

        /** {@code reviews.bookinfo.svc.cluster.local subset v2 (50%)}. */
        public String describe() {
            return destination.host() + (destination.subset() == null ? "" : " subset " + destination.subset())
                    + (destination.port() == null ? "" : " port " + destination.port()) + " (" + percent(perMillion) + ")";
        }
    }

    /**
     * A rewrite applied before forwarding, as Envoy's {@code prefix_rewrite}, {@code regex_rewrite}
     * and {@code host_rewrite_literal} do it.
     *
     * @param matchedPrefix the prefix the route matched on, replaced by {@code uri}; {@code null} when
     *     the route matched the whole path (exact or regex), which {@code uri} then replaces
     * @param uri the replacement, or {@code null} to keep the path
     * @param regex a regular expression (RE2) whose matches in the path are replaced, or {@code null}
     * @param regexSubstitution the replacement of each match, with {@code \1} for groups
     * @param authority the new authority ({@code Host}), or {@code null} to keep it
     */
    public record Rewrite(String matchedPrefix, String uri, String regex, String regexSubstitution, String authority) {

        static Rewrite of(io.inmesh.core.model.HttpRewrite rewrite, HttpMatchRequest match) {
            if (rewrite == null) {
                return null;
            }
            String uri = rewrite.uri() == null || rewrite.uri().isEmpty() ? null : rewrite.uri();
            String authority = rewrite.authority() == null || rewrite.authority().isEmpty() ? null : rewrite.authority();
            String regex = null;
            String substitution = null;
            if (rewrite.uriRegexRewrite() != null) {
                regex = rewrite.uriRegexRewrite().match();
                substitution = rewrite.uriRegexRewrite().rewrite();
            }
            if (uri == null && authority == null && regex == null) {
                return null;
            }
            // Istio turns a route without a uri match into Envoy's prefix "/" match.
            StringMatch matched = match == null ? null : match.uri();
            String prefix = matched == null ? "/" : matched.prefix();
            return new Rewrite(prefix, uri, regex, substitution, authority);
        }

        /** {@code uri /v1 for prefix /api, authority reviews-v2}. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            if (uri != null) {
                parts.add("uri " + uri + (matchedPrefix == null ? " (whole path)" : " for prefix " + matchedPrefix));
            }
            if (regex != null) {
                parts.add("uri regex " + regex + " -> " + regexSubstitution);
            }
            if (authority != null) {
                parts.add("authority " + authority);
            }
            return String.join(", ", parts);
        }
    }

    /**
     * Operations on one message's headers, applied in Envoy's order: remove, then set (replacing),
     * then add (appending).
     *
     * @param set headers whose values are replaced
     * @param add headers whose values are appended
     * @param remove headers removed
     */
    public record HeaderOperations(Map<String, String> set, Map<String, String> add, List<String> remove) {

        /** No operation. */
        public static final HeaderOperations NONE = new HeaderOperations(Map.of(), Map.of(), List.of());

        public HeaderOperations {
            set = set == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(set));
            add = add == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(add));
            remove = remove == null ? List.of() : List.copyOf(remove);
        }

        /** Compiles a route's (or a destination's) operations on one message's headers; {@code null} is none. */
        public static HeaderOperations of(io.inmesh.core.model.Headers.HeaderOperations operations) {
            if (operations == null) {
                return NONE;
            }
            HeaderOperations compiled = new HeaderOperations(operations.set(), operations.add(), operations.remove());
            return compiled.isEmpty() ? NONE : compiled;
        }

        /** Whether there is no operation. */
        public boolean isEmpty() {
            return set.isEmpty() && add.isEmpty() && remove.isEmpty();
        }

        /** Applies the operations to {@code headers}, in place. */
        public void applyTo(HttpHeaders headers) {
            for (String name : remove) {
                headers.remove(name);
            }
            set.forEach(headers::set);
            add.forEach(headers::add);
        }

        /** {@code set x-a=1; add x-b=2; remove x-c}. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            if (!set.isEmpty()) {
                parts.add("set " + join(set));
            }
            if (!add.isEmpty()) {
                parts.add("add " + join(add));
            }
            if (!remove.isEmpty()) {
                parts.add("remove " + String.join(",", remove));
            }
            return String.join("; ", parts);
        }

        private static String join(Map<String, String> headers) {
            return String.join(",", headers.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        }
    }

    /** gRPC status names and codes. */
    static final class GrpcStatus {
        private static final List<String> NAMES = List.of("OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
                "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
                "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
                "UNAUTHENTICATED");

        private GrpcStatus() {
        }

        /** The code of a status name such as {@code UNAVAILABLE} (14); a number is taken as it is. */
        static int code(String name) {
            int index = NAMES.indexOf(name.trim().toUpperCase(java.util.Locale.ROOT));
            if (index >= 0) {
                return index;
            }
            try {
                return Integer.parseInt(name.trim());
            } catch (NumberFormatException e) {
                return 2; // UNKNOWN
            }
        }
    }
}
