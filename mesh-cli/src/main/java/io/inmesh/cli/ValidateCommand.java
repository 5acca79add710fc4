package io.inmesh.cli;

import io.inmesh.cli.internal.DiagnosticReport;
import io.inmesh.core.config.MeshConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mesh validate [--strict] PATH...}: reads and validates Istio YAML, prints every finding. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        versionProvider = MeshCommand.Version.class,
        header = "Checks Istio YAML files and directories.",
        description = {
            "Reads and validates Istio YAML and prints one line per finding,",
            "  FILE:LINE:COL: error|warning: Kind/namespace/name: field.path: message",
            "then a summary line: N resources, E errors, W warnings."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:no errors",
            "1:errors (with --strict: errors or warnings)",
            "2:usage error"
        })
final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--strict", description = "Count warnings as errors for the exit status.")
    boolean strict;

    @Parameters(arity = "1..*", paramLabel = "PATH",
            description = "A YAML file, or a directory: its *.yaml and *.yml files, recursively.")
    List<Path> paths;

    @Override
    public Integer call() {
        MeshConfig.LoadResult result = MeshConfig.load(paths);
        DiagnosticReport.print(result, spec.commandLine().getOut());
        boolean failed = result.errorCount() > 0 || strict && result.warningCount() > 0;
        return failed ? MeshCommand.FAILED : MeshCommand.OK;
    }
}
