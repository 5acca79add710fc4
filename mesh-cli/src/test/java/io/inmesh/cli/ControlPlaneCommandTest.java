package io.inmesh.cli;

import static io.inmesh.cli.MeshRun.mesh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneCommandTest {

    private static final String VIRTUAL_SERVICE = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              hosts: [reviews]
              http:
              - route:
                - destination: {host: reviews}
            """;

    @TempDir
    Path rules;

    @Test
    void helpNamesEveryOption() {
        MeshRun run = mesh("control-plane", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: mesh control-plane").contains("--rules=DIR").contains("--port=N")
                .contains("--host=H").contains("--token-file=F").contains("--allow-removing-all-routes")
                .contains("default: 15080").contains("default: 127.0.0.1");
        assertThat(mesh("--help").out()).contains("control-plane");
    }

    @Test
    void rulesAreRequired() {
        MeshRun run = mesh("control-plane", "--port", "0");

        assertThat(run.exitCode()).isEqualTo(MeshCommand.USAGE);
        assertThat(run.err()).contains("Missing required option: '--rules=DIR'").contains("Try 'mesh control-plane --help'");
    }

    @Test
    void aPortThatIsNotANumberIsAUsageError() {
        MeshRun run = mesh("control-plane", "--rules", rules.toString(), "--port", "http");

        assertThat(run.exitCode()).isEqualTo(MeshCommand.USAGE);
        assertThat(run.err()).contains("--port");
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        MeshRun run = mesh("control-plane", "--rules", rules.toString(), "--port", "70000");

        assertThat(run.exitCode()).isEqualTo(MeshCommand.USAGE);
        assertThat(run.err()).contains("mesh control-plane: --port: 70000 (expected: 0 to 65535)");
    }

    @Test
    void refusesToListenOnAllAddressesWithoutAToken() {
        MeshRun run = mesh("control-plane", "--rules", rules.toString(), "--host", "0.0.0.0", "--port", "0");

        assertThat(run.exitCode()).isEqualTo(MeshCommand.FAILED);
        assertThat(run.err()).contains("mesh control-plane: host: 0.0.0.0 is not a loopback address, and no token is set")
                .contains("--token-file");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anEmptyTokenFileIsRefused() throws IOException {
        Path token = Files.writeString(rules.resolve("token"), "\n");

        MeshRun run = mesh("control-plane", "--rules", rules.toString(), "--port", "0", "--token-file", token.toString());

        assertThat(run.exitCode()).isEqualTo(MeshCommand.FAILED);
        assertThat(run.err()).contains("--token-file: " + token + ": empty");
    }

    @Test
    void servesTheRulesUntilInterrupted() throws Exception {
        Path dir = Files.createDirectories(rules.resolve("rules"));
        Files.writeString(dir.resolve("reviews.yaml"), VIRTUAL_SERVICE);
        Path token = Files.writeString(rules.resolve("token"), "t0ken\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread command = new Thread(() -> {
            try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                exit.set(MeshCommand.execute(o, e, "control-plane", "--rules", dir.toString(), "--port", "0",
                        "--token-file", token.toString()));
            }
        });
        command.start();
        try {
            Pattern url = Pattern.compile("control plane: (http://127\\.0\\.0\\.1:\\d+) serving .* \\(bearer token required\\)");
            await().atMost(Duration.ofSeconds(10)).until(() -> url.matcher(out.toString(StandardCharsets.UTF_8)).find());
            await().atMost(Duration.ofSeconds(5)).until(() -> out.toString(StandardCharsets.UTF_8).contains("published v1 ("));
            Matcher matcher = url.matcher(out.toString(StandardCharsets.UTF_8));
            assertThat(matcher.find()).isTrue();

            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> status = client.send(HttpRequest.newBuilder(URI.create(matcher.group(1) + "/status"))
                    .header("Authorization", "Bearer t0ken").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(status.body()).contains("\"version\":1");
        } finally {
            command.interrupt();
            command.join(10_000);
        }
        assertThat(exit.get()).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("published v1 (").contains("1 documents, 1 resources")
                .endsWith("control plane stopped" + System.lineSeparator());
    }
}
