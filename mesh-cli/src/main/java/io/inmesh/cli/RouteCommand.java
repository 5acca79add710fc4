package io.inmesh.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.inmesh.cli.internal.DiagnosticReport;
import io.inmesh.cli.internal.NameValue;
import io.inmesh.cli.internal.RouteExplanation;
import io.inmesh.core.config.Hosts;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.routing.Caller;
import io.inmesh.routing.ClusterPolicy;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RouteRequest;
import io.inmesh.routing.RouteTable;
import io.inmesh.routing.SimpleRouteRequest;
import io.inmesh.routing.WeightedDestination;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code mesh route}: evaluates one request against the rules of a configuration and prints where it
 * goes, as text or JSON.
 */
@Command(
        name = "route",
        mixinStandardHelpOptions = true,
        versionProvider = MeshCommand.Version.class,
        sortOptions = false,
        header = "Explains where one request goes.",
        description = {
            "Evaluates one request against the rules and prints the VirtualService and route that "
                    + "match, the weighted destinations with their cluster's load balancer, connection pool and "
                    + "outlier detection, the route's fault, timeout, retries, redirect, rewrite, mirror and header "
                    + "settings as written, and the timeout and retries in effect with Istio's defaults filled in.",
            "An invalid configuration is reported as by 'mesh validate' (exit status 1); warnings of "
                    + "a valid one go to stderr."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:the request was evaluated",
            "1:the configuration has errors",
            "2:usage error"
        })
final class RouteCommand implements Callable<Integer> {

    /** How {@code mesh route} prints its explanation. */
    enum Output {
        TEXT,
        JSON;

        /** Reads {@code text} or {@code json}, in any case. */
        static final class Converter implements ITypeConverter<Output> {
            @Override
            public Output convert(String value) {
                for (Output output : values()) {
                    if (output.name().equalsIgnoreCase(value)) {
                        return output;
                    }
                }
                throw new TypeConversionException("'" + value + "' (expected text or json)");
            }
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter JSON_WRITER = MAPPER.writer(jsonPrinter());

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, arity = "1..*", paramLabel = "PATH",
            description = "YAML files, or directories read recursively for YAML files.")
    List<Path> config;

    @Option(names = "--host", required = true, paramLabel = "HOST",
            description = "The host called, short (reviews) or fully qualified, optionally with :PORT.")
    String host;

    @Option(names = "--port", paramLabel = "N",
            description = "The destination port (default: the port in --host, else 80).")
    Integer port;

    @Option(names = "--method", paramLabel = "M", defaultValue = "GET", description = "The method (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--path", paramLabel = "P", defaultValue = "/",
            description = "The path, optionally with a query string (default: ${DEFAULT-VALUE}).")
    String path;

    @Option(names = "--header", paramLabel = "NAME=VALUE", converter = NameValue.Converter.class,
            description = "A request header; repeat for more (a name given twice has both values).")
    List<NameValue> headers = List.of();

    @Option(names = "--query", paramLabel = "NAME=VALUE", converter = NameValue.Converter.class,
            description = "A query parameter; repeat for more.")
    List<NameValue> queryParameters = List.of();

    @Option(names = "--source-label", paramLabel = "KEY=VALUE", converter = NameValue.Converter.class,
            description = "A label of the calling workload; repeat for more.")
    List<NameValue> sourceLabels = List.of();

    @Option(names = "--namespace", paramLabel = "NS", defaultValue = "default",
            description = "The calling workload's namespace (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "0",
            description = "Pick a destination N times and print each destination's share of the picks.")
    int samples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "The seed of the picks' random source (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text", converter = Output.Converter.class,
            description = "text (default) or json.")
    Output output;

    @Override
    public Integer call() {
        checkArguments();
        SimpleRouteRequest request = request();
        Caller caller = Caller.of(namespace, labels());

        PrintWriter out = spec.commandLine().getOut();
        MeshConfig.LoadResult loaded = MeshConfig.load(config);
        if (!loaded.isValid()) {
            DiagnosticReport.print(loaded, out);
            return MeshCommand.FAILED;
        }
        DiagnosticReport.printDiagnostics(loaded, spec.commandLine().getErr());

        RouteTable table = RouteTable.compile(loaded.config());
        RouteDecision decision = table.route(request, caller);
        String requestHost = Hosts.normalize(Hosts.resolve(request.host(), namespace));
        Function<WeightedDestination, ClusterPolicy> clusters = destination -> {
            int destinationPort = destination.port() != null ? destination.port() : request.port();
            return ClusterPolicy.of(destination.clusterKey(request.port()),
                    table.resolveSubset(destination.host(), destination.subset(), caller), destinationPort);
        };
        RouteExplanation explanation = samples > 0
                ? RouteExplanation.sampled(requestHost, request.port(), decision, clusters, samples, seed, new SplittableRandom(seed))
                : RouteExplanation.of(requestHost, request.port(), decision, clusters);

        if (output == Output.JSON) {
            out.println(toJson(explanation));
        } else {
            out.print(explanation.toText());
        }
        out.flush();
        return MeshCommand.OK;
    }

    /** The checks picocli cannot express; a failure is a usage error. */
    private void checkArguments() {
        if (port != null && (port < 1 || port > 65535)) {
            throw usage("--port " + port + " (expected 1..65535)");
        }
        if (samples < 0) {
            throw usage("--samples " + samples + " (expected >= 0)");
        }
        if (host.isBlank()) {
            throw usage("--host is empty (expected a host name such as reviews)");
        }
        if (namespace.isBlank()) {
            throw usage("--namespace is empty (expected a namespace such as default)");
        }
    }

    private SimpleRouteRequest request() {
        SimpleRouteRequest.Builder builder = RouteRequest.builder().host(host).method(method).path(path);
        if (port != null) {
            builder.port(port);
        }
        for (NameValue header : headers) {
            builder.header(header.name(), header.value());
        }
        for (NameValue parameter : queryParameters) {
            builder.queryParameter(parameter.name(), parameter.value());
        }
        return builder.build();
    }

    private Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (NameValue label : sourceLabels) {
            String previous = labels.putIfAbsent(label.name(), label.value());
            if (previous != null && !previous.equals(label.value())) {
                throw usage("--source-label " + label.name() + " given twice (" + previous + " and " + label.value()
                        + "; expected one value per label)");
            }
        }
        return labels;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static String toJson(RouteExplanation explanation) {
        try {
            return JSON_WRITER.writeValueAsString(explanation.toJson(MAPPER));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the explanation as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Two-space indentation, {@code "name": value}, one array element a line. */
    private static DefaultPrettyPrinter jsonPrinter() {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        printer.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
        return printer;
    }
}
