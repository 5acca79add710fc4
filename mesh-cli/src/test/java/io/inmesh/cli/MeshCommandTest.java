package io.inmesh.cli;

import static io.inmesh.cli.MeshRun.mesh;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MeshCommandTest {

    @Test
    void helpListsTheSubcommandsOnStdout() {
        MeshRun run = mesh("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: mesh").contains("validate").contains("route");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void versionComesFromTheBuild() {
        MeshRun run = mesh("--version");

        assertThat(run.exitCode()).isZero();
        // Maven filled in the version: a filtering mistake would leave ${project.version} or nothing.
        assertThat(run.outLines().get(0)).matches("mesh \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @Test
    void helpSubcommandShowsASubcommandsUsage() {
        MeshRun run = mesh("help", "route");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: mesh route").contains("--samples");
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        MeshRun run = mesh("frobnicate");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines().get(0)).startsWith("mesh: ").contains("'frobnicate'");
        assertThat(run.err()).contains("Try 'mesh --help'");
    }

    @Test
    void noSubcommandIsAUsageError() {
        MeshRun run = mesh();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("mesh: missing command").contains("Usage: mesh");
    }

    @Test
    void unknownOptionIsAUsageErrorWithAShortMessage() {
        MeshRun run = mesh("--frobnicate");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).hasSizeLessThanOrEqualTo(3);
        assertThat(run.err()).contains("--frobnicate");
    }
}
