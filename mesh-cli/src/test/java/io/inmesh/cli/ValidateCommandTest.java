package io.inmesh.cli;

import static io.inmesh.cli.MeshRun.mesh;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

    private static final String VALID = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              hosts:
              - reviews
              http:
              - route:
                - destination:
                    host: reviews
            """;

    /** A misspelt field (an error of the reader) and an unsupported kind (a warning of the reader). */
    private static final String ONE_ERROR_ONE_WARNING = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              hosts:
              - reviews
              http:
              - route:
                - destination:
                    host: reviews
                  weigth: 100
            ---
            apiVersion: networking.istio.io/v1alpha3
            kind: EnvoyFilter
            metadata:
              name: lua
              namespace: bookinfo
            spec:
              configPatches: []
            """;

    private static final String ONLY_WARNING = VALID + """
            ---
            apiVersion: networking.istio.io/v1alpha3
            kind: EnvoyFilter
            metadata:
              name: lua
              namespace: bookinfo
            spec:
              configPatches: []
            """;

    @TempDir
    Path dir;

    @Test
    void validFileExitsZeroWithASummary() throws IOException {
        Path file = write("reviews.yaml", VALID);

        MeshRun run = mesh("validate", file.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly("1 resources, 0 errors, 0 warnings");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void printsOneLinePerDiagnosticThenTheSummaryAndExitsOneOnErrors() throws IOException {
        Path file = write("bad.yaml", ONE_ERROR_ONE_WARNING);

        MeshRun run = mesh("validate", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).containsExactly(
                file + ":13:7: error: VirtualService/bookinfo/reviews: spec.http[0].route[0].weigth: "
                        + "unknown field \"weigth\" in HTTPRouteDestination (did you mean \"weight\"?)",
                file + ":15:1: warning: EnvoyFilter/bookinfo/lua: unsupported kind EnvoyFilter (networking.istio.io/v1alpha3): "
                        + "skipped; inmesh reads VirtualService, DestinationRule, ServiceEntry, WorkloadEntry, Sidecar, "
                        + "Gateway, PeerAuthentication, AuthorizationPolicy, RequestAuthentication",
                "0 resources, 1 errors, 1 warnings");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void warningsAloneExitZero() throws IOException {
        Path file = write("warn.yaml", ONLY_WARNING);

        MeshRun run = mesh("validate", file.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).hasSize(2);
        assertThat(run.outLines().get(0)).startsWith(file + ":14:1: warning: EnvoyFilter/bookinfo/lua: unsupported kind EnvoyFilter");
        assertThat(run.outLines().get(1)).isEqualTo("1 resources, 0 errors, 1 warnings");
    }

    @Test
    void strictCountsWarningsAsErrors() throws IOException {
        Path file = write("warn.yaml", ONLY_WARNING);

        MeshRun run = mesh("validate", "--strict", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        // The summary still tells errors from warnings.
        assertThat(run.outLines()).last().isEqualTo("1 resources, 0 errors, 1 warnings");
    }

    @Test
    void strictWithoutFindingsExitsZero() throws IOException {
        Path file = write("reviews.yaml", VALID);

        assertThat(mesh("validate", "--strict", file.toString()).exitCode()).isZero();
    }

    @Test
    void readsDirectoriesRecursivelyAndSeveralPaths() throws IOException {
        write("a/one.yaml", VALID);
        // Each file routes its own host: two VirtualServices for one host would draw a warning.
        write("a/b/two.yml", VALID.replace("reviews", "ratings"));
        write("a/notes.txt", "not: yaml: at all: [");
        Path single = write("single.yaml", VALID.replace("reviews", "details"));

        MeshRun run = mesh("validate", dir.resolve("a").toString(), single.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly("3 resources, 0 errors, 0 warnings");
    }

    @Test
    void missingFileIsAConfigurationError() {
        Path missing = dir.resolve("missing.yaml");

        MeshRun run = mesh("validate", missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).containsExactly(missing + ": error: no such file or directory", "0 resources, 1 errors, 0 warnings");
    }

    @Test
    void withoutPathIsAUsageError() {
        MeshRun run = mesh("validate");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).containsExactly(
                "mesh validate: Missing required parameter: 'PATH'",
                "Try 'mesh validate --help' for more information.");
    }

    @Test
    void unknownOptionIsAUsageError() throws IOException {
        Path file = write("reviews.yaml", VALID);

        MeshRun run = mesh("validate", "--strcit", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("--strcit");
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }
}
