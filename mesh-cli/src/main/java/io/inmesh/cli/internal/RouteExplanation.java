package io.inmesh.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inmesh.core.config.Durations;
import io.inmesh.core.config.Hosts;
import io.inmesh.core.model.Destination;
import io.inmesh.core.model.Headers;
import io.inmesh.core.model.HttpDirectResponse;
import io.inmesh.core.model.HttpFaultInjection;
import io.inmesh.core.model.HttpMirrorPolicy;
import io.inmesh.core.model.HttpRedirect;
import io.inmesh.core.model.HttpRetry;
import io.inmesh.core.model.HttpRewrite;
import io.inmesh.core.model.HttpRoute;
import io.inmesh.core.model.Percent;
import io.inmesh.routing.ClusterPolicy;
import io.inmesh.routing.RetryPolicy;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RoutePolicy;
import io.inmesh.routing.WeightedDestination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * What {@code mesh route} prints about one {@link RouteDecision}: the rule and route that matched,
 * the destinations with their weights (and, when sampled, the share of picks each got), and the
 * route's fault, timeout, retries, redirect, direct response, rewrite, mirror and header settings.
 * Rendered as JSON ({@link #toJson}) or as readable lines ({@link #toText}). Immutable.
 */
public final class RouteExplanation {

    /** Istio mirrors every request when a mirror names no percentage. */
    private static final double DEFAULT_MIRROR_PERCENTAGE = 100.0;

    private final String requestHost;
    private final int requestPort;
    private final RouteDecision decision;
    private final Sampling sampling;
    private final List<ClusterPolicy> clusters;

    /**
     * How often {@link RouteDecision#pick} chose each destination.
     *
     * @param samples how many picks were made
     * @param seed the seed of the random source
     * @param counts picks per destination, in the decision's order
     */
    private record Sampling(int samples, long seed, long[] counts) {
        double share(int index) {
            return (double) counts[index] / samples;
        }
    }

    private RouteExplanation(String requestHost, int requestPort, RouteDecision decision, Sampling sampling,
            Function<WeightedDestination, ClusterPolicy> clusters) {
        this.requestHost = requestHost;
        this.requestPort = requestPort;
        this.decision = decision;
        this.sampling = sampling;
        this.clusters = decision.destinations().stream().map(clusters).toList();
    }

    /**
     * The explanation of {@code decision} for a request to {@code requestHost}:{@code requestPort},
     * without sampling.
     *
     * @param requestHost the host as the caller resolved it, for the text's first line
     * @param requestPort the request's port: a destination without a port of its own uses it
     * @param clusters the policy in force for each destination's cluster
     */
    public static RouteExplanation of(String requestHost, int requestPort, RouteDecision decision,
            Function<WeightedDestination, ClusterPolicy> clusters) {
        return new RouteExplanation(requestHost, requestPort, Objects.requireNonNull(decision, "decision"), null, clusters);
    }

    /**
     * As {@link #of}, plus the share of {@code samples} picks that {@link RouteDecision#pick} made of
     * each destination with {@code random}, which was seeded with {@code seed}.
     */
    public static RouteExplanation sampled(String requestHost, int requestPort, RouteDecision decision,
            Function<WeightedDestination, ClusterPolicy> clusters, int samples, long seed, RandomGenerator random) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples " + samples + " (expected >= 1)");
        }
        List<WeightedDestination> destinations = decision.destinations();
        long[] counts = new long[destinations.size()];
        for (int i = 0; i < samples; i++) {
            WeightedDestination picked = decision.pick(random);
            // By identity: two destinations of a route may be equal records and still be two entries.
            for (int d = 0; d < counts.length; d++) {
                if (destinations.get(d) == picked) {
                    counts[d]++;
                    break;
                }
            }
        }
        return new RouteExplanation(requestHost, requestPort, decision, new Sampling(samples, seed, counts), clusters);
    }

    // ---------------------------------------------------------------- JSON

    /** The explanation as a JSON object, fields in a fixed order. */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode json = mapper.createObjectNode();
        json.put("virtualService", decision.virtualService());
        if (decision.routeName() != null) {
            json.put("route", decision.routeName());
        } else if (decision.routeIndex() >= 0) {
            json.put("route", decision.routeIndex());
        } else {
            json.putNull("route");
        }
        ArrayNode destinations = json.putArray("destinations");
        for (int i = 0; i < decision.destinations().size(); i++) {
            WeightedDestination destination = decision.destinations().get(i);
            ObjectNode node = destinations.addObject();
            node.put("host", destination.host());
            node.put("subset", destination.subset());
            node.put("port", portOf(destination));
            node.put("weight", destination.weight());
            if (sampling != null) {
                node.put("share", sampling.share(i));
            }
            node.set("cluster", clusterJson(mapper, clusters.get(i)));
        }
        HttpRoute route = decision.route();
        if (route != null) {
            if (route.fault() != null) {
                json.set("fault", faultJson(mapper, route.fault()));
            }
            if (route.timeout() != null) {
                json.put("timeout", Durations.format(route.timeout()));
            }
            if (route.retries() != null) {
                json.set("retries", retriesJson(mapper, route.retries()));
            }
        }
        json.put("outcome", decision.outcome().name());
        if (route != null) {
            if (route.redirect() != null) {
                json.set("redirect", redirectJson(mapper, route.redirect()));
            }
            if (route.directResponse() != null) {
                json.set("directResponse", directResponseJson(mapper, route.directResponse()));
            }
            if (route.rewrite() != null) {
                json.set("rewrite", rewriteJson(mapper, route.rewrite()));
            }
            if (route.mirror() != null) {
                json.set("mirror", mirrorJson(mapper, route.mirror(), percentage(route.mirrorPercentage(), route.mirrorPercent())));
            }
            if (!route.mirrors().isEmpty()) {
                ArrayNode mirrors = json.putArray("mirrors");
                for (HttpMirrorPolicy mirror : route.mirrors()) {
                    mirrors.add(mirrorJson(mapper, mirror.destination(), percentage(mirror.percentage(), null)));
                }
            }
            if (route.headers() != null) {
                json.set("headers", headersJson(mapper, route.headers()));
            }
        }
        if (decision.outcome() != RouteDecision.Outcome.NO_ROUTE) {
            json.set("effective", effectiveJson(mapper, decision.policy()));
        }
        if (sampling != null) {
            json.put("samples", sampling.samples());
            json.put("seed", sampling.seed());
        }
        return json;
    }

    /** What the data path applies: the route's settings with Istio's defaults filled in. */
    private static ObjectNode effectiveJson(ObjectMapper mapper, RoutePolicy policy) {
        ObjectNode json = mapper.createObjectNode();
        json.put("timeout", formatOrNull(policy.timeout()));
        RetryPolicy retries = policy.retries();
        ObjectNode retry = json.putObject("retries");
        retry.put("attempts", retries.attempts());
        if (retries.attempts() > 0) {
            retry.put("perTryTimeout", formatOrNull(retries.perTryTimeout()));
            ArrayNode on = retry.putArray("retryOn");
            retries.retryOn().forEach(on::add);
            ArrayNode codes = retry.putArray("retriableStatusCodes");
            retries.retriableStatusCodes().forEach(codes::add);
            retry.put("backoffBase", Durations.format(retries.backoffBase()));
            retry.put("backoffMax", Durations.format(retries.backoffMax()));
            retry.put("avoidPreviousHosts", retries.avoidPreviousHosts());
        }
        retry.put("istioDefault", retries.equals(RetryPolicy.ISTIO_DEFAULT));
        if (policy.fault() != null) {
            json.put("fault", policy.fault().describe());
        }
        if (!policy.mirrors().isEmpty()) {
            ArrayNode mirrors = json.putArray("mirrors");
            policy.mirrors().forEach(mirror -> mirrors.add(mirror.describe()));
        }
        if (policy.rewrite() != null) {
            json.put("rewrite", policy.rewrite().describe());
        }
        return json;
    }

    private static ObjectNode clusterJson(ObjectMapper mapper, ClusterPolicy cluster) {
        ObjectNode json = mapper.createObjectNode();
        json.put("name", cluster.cluster());
        json.put("destinationRule", cluster.destinationRule());
        json.put("loadBalancer", cluster.describeLoadBalancer());
        json.put("connectionPool", cluster.describeConnectionPool());
        json.put("outlierDetection", cluster.describeOutlierDetection());
        if (cluster.describeRetryBudget() != null) {
            json.put("retryBudget", cluster.describeRetryBudget());
        }
        return json;
    }

    private static ObjectNode faultJson(ObjectMapper mapper, HttpFaultInjection fault) {
        ObjectNode json = mapper.createObjectNode();
        HttpFaultInjection.Abort abort = fault.abort();
        if (abort != null) {
            ObjectNode node = json.putObject("abort");
            if (abort.httpStatus() != null) {
                node.put("httpStatus", abort.httpStatus());
            }
            putIfSet(node, "grpcStatus", abort.grpcStatus());
            putIfSet(node, "http2Error", abort.http2Error());
            node.put("percentage", percentage(abort.percentage(), null));
        }
        HttpFaultInjection.Delay delay = fault.delay();
        if (delay != null) {
            ObjectNode node = json.putObject("delay");
            if (delay.fixedDelay() != null) {
                node.put("fixedDelay", Durations.format(delay.fixedDelay()));
            }
            if (delay.exponentialDelay() != null) {
                node.put("exponentialDelay", Durations.format(delay.exponentialDelay()));
            }
            node.put("percentage", percentage(delay.percentage(), delay.percent()));
        }
        return json;
    }

    private static ObjectNode retriesJson(ObjectMapper mapper, HttpRetry retries) {
        ObjectNode json = mapper.createObjectNode();
        json.put("attempts", retries.attempts());
        json.put("perTryTimeout", formatOrNull(retries.perTryTimeout()));
        json.put("retryOn", retries.retryOn());
        if (retries.retryRemoteLocalities() != null) {
            json.put("retryRemoteLocalities", retries.retryRemoteLocalities());
        }
        if (retries.retryIgnorePreviousHosts() != null) {
            json.put("retryIgnorePreviousHosts", retries.retryIgnorePreviousHosts());
        }
        if (retries.backoff() != null) {
            json.put("backoff", Durations.format(retries.backoff()));
        }
        return json;
    }

    private static ObjectNode redirectJson(ObjectMapper mapper, HttpRedirect redirect) {
        ObjectNode json = mapper.createObjectNode();
        putIfSet(json, "uri", redirect.uri());
        putIfSet(json, "authority", redirect.authority());
        if (redirect.port() != null) {
            json.put("port", redirect.port());
        }
        if (redirect.derivePort() != null) {
            json.put("derivePort", redirect.derivePort().name());
        }
        putIfSet(json, "scheme", redirect.scheme());
        if (redirect.redirectCode() != null) {
            json.put("redirectCode", redirect.redirectCode());
        }
        return json;
    }

    private static ObjectNode directResponseJson(ObjectMapper mapper, HttpDirectResponse response) {
        ObjectNode json = mapper.createObjectNode();
        json.put("status", response.status());
        if (response.body() != null) {
            ObjectNode body = json.putObject("body");
            putIfSet(body, "string", response.body().string());
            putIfSet(body, "bytes", response.body().bytes());
        }
        return json;
    }

    private static ObjectNode rewriteJson(ObjectMapper mapper, HttpRewrite rewrite) {
        ObjectNode json = mapper.createObjectNode();
        putIfSet(json, "uri", rewrite.uri());
        putIfSet(json, "authority", rewrite.authority());
        if (rewrite.uriRegexRewrite() != null) {
            ObjectNode regex = json.putObject("uriRegexRewrite");
            regex.put("match", rewrite.uriRegexRewrite().match());
            regex.put("rewrite", rewrite.uriRegexRewrite().rewrite());
        }
        return json;
    }

    private ObjectNode mirrorJson(ObjectMapper mapper, Destination mirror, Double percentage) {
        ObjectNode json = mapper.createObjectNode();
        json.put("host", mirror == null ? null : mirrorHost(mirror));
        json.put("subset", mirror == null ? null : mirror.subset());
        json.put("port", mirror == null ? null : mirrorPort(mirror));
        json.put("percentage", percentage == null ? DEFAULT_MIRROR_PERCENTAGE : percentage);
        return json;
    }

    private static ObjectNode headersJson(ObjectMapper mapper, Headers headers) {
        ObjectNode json = mapper.createObjectNode();
        if (headers.request() != null) {
            json.set("request", operationsJson(mapper, headers.request()));
        }
        if (headers.response() != null) {
            json.set("response", operationsJson(mapper, headers.response()));
        }
        return json;
    }

    private static ObjectNode operationsJson(ObjectMapper mapper, Headers.HeaderOperations operations) {
        ObjectNode json = mapper.createObjectNode();
        putMap(json, "set", operations.set());
        putMap(json, "add", operations.add());
        if (operations.remove() != null && !operations.remove().isEmpty()) {
            ArrayNode remove = json.putArray("remove");
            operations.remove().forEach(remove::add);
        }
        return json;
    }

    private static void putMap(ObjectNode json, String field, Map<String, String> values) {
        if (values != null && !values.isEmpty()) {
            ObjectNode node = json.putObject(field);
            values.forEach(node::put);
        }
    }

    private static void putIfSet(ObjectNode json, String field, String value) {
        if (value != null) {
            json.put(field, value);
        }
    }

    // ---------------------------------------------------------------- text

    /** The explanation as lines of text, each ending with a line separator. */
    public String toText() {
        List<String> lines = new ArrayList<>();
        lines.add(headline());
        for (int i = 0; i < decision.destinations().size(); i++) {
            lines.add("  -> " + destinationText(decision.destinations().get(i), i));
            clusterText(clusters.get(i), lines);
        }
        HttpRoute route = decision.route();
        if (route != null) {
            if (route.redirect() != null) {
                lines.add("  redirect: " + redirectText(route.redirect()));
            }
            if (route.directResponse() != null) {
                lines.add("  direct response: " + directResponseText(route.directResponse()));
            }
            if (route.rewrite() != null) {
                lines.add("  rewrite: " + rewriteText(route.rewrite()));
            }
            if (route.fault() != null) {
                if (route.fault().abort() != null) {
                    lines.add("  fault: " + abortText(route.fault().abort()));
                }
                if (route.fault().delay() != null) {
                    lines.add("  fault: " + delayText(route.fault().delay()));
                }
            }
            if (route.timeout() != null) {
                lines.add("  timeout: " + Durations.format(route.timeout()));
            }
            if (route.retries() != null) {
                lines.add("  retries: " + retriesText(route.retries()));
            }
            if (route.mirror() != null) {
                lines.add("  mirror: " + mirrorText(route.mirror(), percentage(route.mirrorPercentage(), route.mirrorPercent())));
            }
            for (HttpMirrorPolicy mirror : route.mirrors()) {
                lines.add("  mirror: " + mirrorText(mirror.destination(), percentage(mirror.percentage(), null)));
            }
            if (route.headers() != null) {
                if (route.headers().request() != null) {
                    lines.add("  request headers: " + operationsText(route.headers().request()));
                }
                if (route.headers().response() != null) {
                    lines.add("  response headers: " + operationsText(route.headers().response()));
                }
            }
        }
        if (decision.outcome() != RouteDecision.Outcome.NO_ROUTE && decision.destinations().size() > 0) {
            effectiveText(decision.policy(), lines);
        }
        if (sampling != null && !decision.destinations().isEmpty()) {
            lines.add("  shares of " + sampling.samples() + " picks with seed " + sampling.seed());
        }
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append(System.lineSeparator());
        }
        return text.toString();
    }

    private static void clusterText(ClusterPolicy cluster, List<String> lines) {
        lines.add("       cluster " + cluster.cluster()
                + (cluster.destinationRule() == null ? " (no DestinationRule)" : " (DestinationRule " + cluster.destinationRule() + ")")
                + ": load balancer " + cluster.describeLoadBalancer());
        if (cluster.describeConnectionPool() != null) {
            lines.add("       connection pool: " + cluster.describeConnectionPool());
        }
        if (cluster.describeOutlierDetection() != null) {
            lines.add("       outlier detection: " + cluster.describeOutlierDetection());
        }
        if (cluster.describeRetryBudget() != null) {
            lines.add("       retry budget: " + cluster.describeRetryBudget());
        }
    }

    /** What the data path applies, with Istio's defaults filled in. */
    private static void effectiveText(RoutePolicy policy, List<String> lines) {
        lines.add("  in effect: timeout " + (policy.timeout() == null ? "none" : Durations.format(policy.timeout()))
                + "; retries " + policy.retries().describe()
                + (policy.retries().equals(RetryPolicy.ISTIO_DEFAULT) ? " (Istio's default)" : ""));
    }

    private String headline() {
        return switch (decision.outcome()) {
            case ROUTED -> requestHost + ": VirtualService " + decision.virtualService() + ", route " + routeText();
            case DEFAULT_ROUTE -> requestHost + ": no VirtualService applies, default route to the host itself";
            case NO_ROUTE -> requestHost + ": VirtualService " + decision.virtualService()
                    + " applies, but none of its routes matches (no route: Envoy answers 404, flag NR)";
        };
    }

    private String routeText() {
        if (decision.routeName() == null) {
            return "#" + decision.routeIndex();
        }
        return decision.routeIndex() >= 0 ? decision.routeName() + " (#" + decision.routeIndex() + ")" : decision.routeName();
    }

    private String destinationText(WeightedDestination destination, int index) {
        StringBuilder text = new StringBuilder(destination.host());
        if (destination.subset() != null) {
            text.append(" subset ").append(destination.subset());
        }
        text.append(", port ").append(portOf(destination)).append(": weight ").append(destination.weight());
        if (sampling != null) {
            text.append(", share ").append(String.format(Locale.ROOT, "%.4f", sampling.share(index)));
        }
        return text.toString();
    }

    private static String abortText(HttpFaultInjection.Abort abort) {
        List<String> what = new ArrayList<>();
        if (abort.httpStatus() != null) {
            what.add("HTTP " + abort.httpStatus());
        }
        if (abort.grpcStatus() != null) {
            what.add("gRPC status " + abort.grpcStatus());
        }
        if (abort.http2Error() != null) {
            what.add("HTTP/2 error " + abort.http2Error());
        }
        return "abort with " + (what.isEmpty() ? "(no status)" : String.join(", ", what)) + " "
                + share(percentage(abort.percentage(), null));
    }

    private static String delayText(HttpFaultInjection.Delay delay) {
        String duration = delay.fixedDelay() != null ? Durations.format(delay.fixedDelay())
                : delay.exponentialDelay() != null ? "exponential " + Durations.format(delay.exponentialDelay())
                : "(no duration)";
        return "delay " + duration + " " + share(percentage(delay.percentage(), delay.percent()));
    }

    private static String share(Double percentage) {
        return percentage == null ? "(no percentage set)" : "for " + formatPercent(percentage) + " of requests";
    }

    private static String retriesText(HttpRetry retries) {
        List<String> parts = new ArrayList<>();
        if (retries.attempts() != null) {
            parts.add(retries.attempts() + (retries.attempts() == 1 ? " attempt" : " attempts"));
        }
        if (retries.perTryTimeout() != null) {
            parts.add(Durations.format(retries.perTryTimeout()) + " per try");
        }
        if (retries.retryOn() != null) {
            parts.add("on " + retries.retryOn());
        }
        if (retries.backoff() != null) {
            parts.add("back-off " + Durations.format(retries.backoff()));
        }
        if (retries.retryRemoteLocalities() != null) {
            parts.add("retryRemoteLocalities " + retries.retryRemoteLocalities());
        }
        if (retries.retryIgnorePreviousHosts() != null) {
            parts.add("retryIgnorePreviousHosts " + retries.retryIgnorePreviousHosts());
        }
        return parts.isEmpty() ? "(defaults)" : String.join(", ", parts);
    }

    private static String redirectText(HttpRedirect redirect) {
        List<String> parts = new ArrayList<>();
        parts.add(redirect.redirectCode() != null ? String.valueOf(redirect.redirectCode()) : "301 (default)");
        addIfSet(parts, "scheme ", redirect.scheme());
        addIfSet(parts, "authority ", redirect.authority());
        if (redirect.port() != null) {
            parts.add("port " + redirect.port());
        }
        if (redirect.derivePort() != null) {
            parts.add("port " + redirect.derivePort().name());
        }
        addIfSet(parts, "uri ", redirect.uri());
        return String.join(", ", parts);
    }

    private static String directResponseText(HttpDirectResponse response) {
        String status = response.status() == null ? "(no status)" : String.valueOf(response.status());
        if (response.body() == null) {
            return status;
        }
        if (response.body().string() != null) {
            return status + ", body \"" + response.body().string() + "\"";
        }
        return status + ", body (base64) " + response.body().bytes();
    }

    private static String rewriteText(HttpRewrite rewrite) {
        List<String> parts = new ArrayList<>();
        addIfSet(parts, "uri ", rewrite.uri());
        addIfSet(parts, "authority ", rewrite.authority());
        if (rewrite.uriRegexRewrite() != null) {
            parts.add("uri regex " + rewrite.uriRegexRewrite().match() + " -> " + rewrite.uriRegexRewrite().rewrite());
        }
        return String.join(", ", parts);
    }

    private String mirrorText(Destination mirror, Double percentage) {
        if (mirror == null) {
            return "(no destination)";
        }
        StringBuilder text = new StringBuilder(mirrorHost(mirror));
        if (mirror.subset() != null) {
            text.append(" subset ").append(mirror.subset());
        }
        Integer port = mirrorPort(mirror);
        if (port != null) {
            text.append(", port ").append(port);
        }
        double shown = percentage == null ? DEFAULT_MIRROR_PERCENTAGE : percentage;
        return text.append(", ").append(formatPercent(shown)).append(" of requests").toString();
    }

    private static String operationsText(Headers.HeaderOperations operations) {
        List<String> parts = new ArrayList<>();
        if (operations.set() != null) {
            operations.set().forEach((name, value) -> parts.add("set " + name + ": " + value));
        }
        if (operations.add() != null) {
            operations.add().forEach((name, value) -> parts.add("add " + name + ": " + value));
        }
        if (operations.remove() != null) {
            operations.remove().forEach(name -> parts.add("remove " + name));
        }
        return String.join(", ", parts);
    }

    private static void addIfSet(List<String> parts, String label, String value) {
        if (value != null) {
            parts.add(label + value);
        }
    }

    // ---------------------------------------------------------------- shared

    private int portOf(WeightedDestination destination) {
        return destination.port() != null ? destination.port() : requestPort;
    }

    /** A mirror's host resolved in the VirtualService's namespace, as route destinations are. */
    private String mirrorHost(Destination mirror) {
        String virtualService = decision.virtualService();
        if (mirror.host() == null || virtualService == null) {
            return mirror.host();
        }
        return Hosts.resolve(mirror.host(), virtualService.substring(0, virtualService.indexOf('/')));
    }

    private static Integer mirrorPort(Destination mirror) {
        return mirror.port() == null ? null : mirror.port().number();
    }

    /** {@code percentage.value}, else the deprecated integer {@code percent}, else {@code null}. */
    private static Double percentage(Percent percentage, Integer percent) {
        if (percentage != null && percentage.value() != null) {
            return percentage.value();
        }
        return percent == null ? null : percent.doubleValue();
    }

    private static String formatOrNull(Duration duration) {
        return duration == null ? null : Durations.format(duration);
    }

    private static String formatPercent(double percentage) {
        return (percentage == Math.rint(percentage) ? String.valueOf((long) percentage) : String.valueOf(percentage)) + "%";
    }

    @Override
    public String toString() {
        return toText();
    }
}
