package io.inmesh.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mesh status --control-plane URL [--token-file F] [--json]}: what a control plane publishes
 * and which version each connected workload runs, with ACK or NACK and why, as
 * {@code istioctl proxy-status} shows it for Envoy sidecars.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        versionProvider = MeshCommand.Version.class,
        sortOptions = false,
        header = "Lists the workloads of a control plane with the version each runs, ACK or NACK, and when each was last seen.",
        description = {
            "Reads the control plane's GET /status (docs/control-plane-protocol.md) and prints the published version, the",
            "last refused change, and one line per workload connected now or seen in the last hour."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every workload runs the published version (ACK)",
            "1:the control plane could not be asked, or some workload is behind, pending or NACKed it",
            "2:usage error"
        })
final class StatusCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--control-plane", required = true, paramLabel = "URL",
            description = "The control plane, such as http://127.0.0.1:" + ControlPlaneCommand.DEFAULT_PORT + ".")
    URI controlPlane;

    @Option(names = "--token-file", paramLabel = "F", description = "A file holding the control plane's bearer token.")
    Path tokenFile;

    @Option(names = "--json", description = "Print the control plane's status JSON as it is.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.qualifiedName();
        if (controlPlane.getScheme() == null || !controlPlane.getScheme().matches("https?") || controlPlane.getHost() == null) {
            err.println(name + ": --control-plane: " + controlPlane + " (expected: an http or https URL such as http://127.0.0.1:"
                    + ControlPlaneCommand.DEFAULT_PORT + ")");
            return MeshCommand.USAGE;
        }
        String token;
        try {
            token = tokenFile == null ? null : ControlPlaneCommand.readToken(tokenFile);
        } catch (IllegalArgumentException e) {
            err.println(name + ": " + e.getMessage());
            return MeshCommand.USAGE;
        }
        String body;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(controlPlane.resolve("/status")).timeout(TIMEOUT).GET();
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                err.println(name + ": " + controlPlane + "/status answered " + response.statusCode()
                        + (response.statusCode() == 401 ? " (a bearer token is required: --token-file)" : "") + ": " + response.body());
                return MeshCommand.FAILED;
            }
            body = response.body();
        } catch (IOException e) {
            err.println(name + ": cannot ask " + controlPlane + ": " + e);
            return MeshCommand.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return MeshCommand.FAILED;
        }
        JsonNode status;
        try {
            status = new ObjectMapper().readTree(body);
        } catch (IOException e) {
            err.println(name + ": " + controlPlane + "/status is not JSON: " + e.getMessage());
            return MeshCommand.FAILED;
        }
        if (json) {
            out.println(body.strip());
        } else {
            print(status, out);
        }
        return allCurrent(status) ? MeshCommand.OK : MeshCommand.FAILED;
    }

    private void print(JsonNode status, PrintWriter out) {
        if (status.path("version").isNull() || status.path("version").isMissingNode()) {
            out.println("control plane " + controlPlane + ": no version published");
        } else {
            out.println("control plane " + controlPlane + ": version " + status.path("version").asLong() + " ("
                    + shortHash(status.path("hash").asText()) + "), published " + status.path("publishedAt").asText() + ", "
                    + status.path("documents").asInt() + " documents");
        }
        JsonNode refusal = status.path("lastRefusal");
        if (refusal.isObject()) {
            JsonNode first = refusal.path("diagnostics").path(0);
            out.println("last refusal: " + refusal.path("reason").asText() + " at " + refusal.path("at").asText() + ", kept version "
                    + refusal.path("keptVersion").asLong() + (first.isObject() ? ": " + diagnostic(first) : ""));
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAMESPACE", "NAME", "INSTANCE", "CONNECTED", "SENT", "REPORTED", "STATUS", "LAST SEEN", "REASON"});
        for (JsonNode workload : status.path("workloads")) {
            rows.add(new String[] {
                workload.path("namespace").asText(),
                workload.path("name").asText(),
                workload.path("instance").asText(),
                workload.path("connected").asBoolean() ? "yes" : "no",
                version(workload.path("sentVersion"), workload.path("sentHash")),
                workload.path("reportedVersion").isNumber() ? workload.path("reportedVersion").asText() : "-",
                workload.path("status").asText("-"),
                workload.path("lastSeen").asText("-"),
                workload.path("reason").isTextual() ? workload.path("reason").asText() : ""});
        }
        if (rows.size() == 1) {
            out.println("no workload connected or seen in the last hour");
            return;
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length - 1; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** Whether every listed workload has ACKed the published version. */
    private static boolean allCurrent(JsonNode status) {
        long published = status.path("version").asLong(0);
        for (JsonNode workload : status.path("workloads")) {
            if (!"ACK".equals(workload.path("status").asText()) || workload.path("reportedVersion").asLong(-1) != published) {
                return false;
            }
        }
        return true;
    }

    private static String version(JsonNode version, JsonNode hash) {
        return version.isNumber() ? version.asText() + " (" + shortHash(hash.asText()) + ")" : "-";
    }

    private static String shortHash(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) + "…" : hash;
    }

    private static String diagnostic(JsonNode diagnostic) {
        StringBuilder text = new StringBuilder();
        if (diagnostic.path("source").isTextual()) {
            text.append(diagnostic.path("source").asText());
            if (diagnostic.path("line").isNumber()) {
                text.append(':').append(diagnostic.path("line").asInt());
                if (diagnostic.path("column").isNumber()) {
                    text.append(':').append(diagnostic.path("column").asInt());
                }
            }
            text.append(": ");
        }
        if (diagnostic.path("resource").isTextual()) {
            text.append(diagnostic.path("resource").asText()).append(": ");
        }
        if (diagnostic.path("field").isTextual()) {
            text.append(diagnostic.path("field").asText()).append(": ");
        }
        return text.append(diagnostic.path("message").asText()).toString();
    }
}
