package io.inmesh.cli;

import io.inmesh.cli.internal.StreamWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code mesh} command: {@code mesh validate} checks Istio YAML, {@code mesh route} explains
 * where a request goes, {@code mesh control-plane} serves a rules directory to workloads.
 *
 * <p>Exit status, for every subcommand: {@value #OK} when all went well, {@value #FAILED} when the
 * configuration has errors (or the command failed), {@value #USAGE} for a usage error such as an
 * unknown option or a missing argument.
 */
@Command(
        name = "mesh",
        mixinStandardHelpOptions = true,
        versionProvider = MeshCommand.Version.class,
        header = "inmesh: checks Istio traffic rules, explains how inmesh routes with them, and serves them to workloads.",
        subcommands = {ValidateCommand.class, RouteCommand.class, ControlPlaneCommand.class, StatusCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:success",
            "1:the configuration has errors, or the command failed",
            "2:usage error"
        })
public final class MeshCommand implements Callable<Integer> {

    /** Exit status: success. */
    public static final int OK = ExitCode.OK;
    /** Exit status: the configuration has errors (or, with {@code --strict}, warnings), or the command failed. */
    public static final int FAILED = ExitCode.SOFTWARE;
    /** Exit status: the command line could not be understood. */
    public static final int USAGE = ExitCode.USAGE;

    @Spec
    CommandSpec spec;

    /** Runs {@code mesh} with {@code args} and exits the JVM with its exit status. */
    public static void main(String... args) {
        System.exit(execute(System.out, System.err, args));
    }

    /**
     * Runs {@code mesh} with {@code args}, printing results to {@code out} and problems to
     * {@code err}; returns the exit status. Touches no global state, so tests call it in-process.
     */
    static int execute(PrintStream out, PrintStream err, String... args) {
        PrintWriter outWriter = StreamWriter.over(out);
        PrintWriter errWriter = StreamWriter.over(err);
        try {
            return commandLine(outWriter, errWriter).execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new MeshCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler(MeshCommand::usageError);
        commandLine.setExecutionExceptionHandler((exception, command, parseResult) -> {
            command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + describe(exception));
            return FAILED;
        });
        return commandLine;
    }

    /** A short message and a pointer to the help, not the whole usage text. */
    private static int usageError(ParameterException exception, String[] args) {
        CommandLine command = exception.getCommandLine();
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        err.println(name + ": " + exception.getMessage());
        UnmatchedArgumentException.printSuggestions(exception, err);
        err.println("Try '" + name + " --help' for more information.");
        return USAGE;
    }

    private static String describe(Exception exception) {
        String message = exception.getMessage();
        return message == null || message.isBlank() ? exception.toString() : exception.getClass().getSimpleName() + ": " + message;
    }

    /** {@code mesh} without a subcommand: the usage, on stderr, as a usage error. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("mesh: missing command");
        spec.commandLine().usage(err);
        return USAGE;
    }

    /** The version of this build, as Maven filtered it into {@code version.properties}. */
    static final class Version implements IVersionProvider {

        @Override
        public String[] getVersion() {
            return new String[] {
                "mesh " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
            };
        }

        static String version() {
            Properties properties = new Properties();
            try (InputStream in = MeshCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            } catch (IOException e) {
                // fall through to the manifest
            }
            String version = properties.getProperty("version");
            if (version == null || version.startsWith("${")) {
                version = MeshCommand.class.getPackage().getImplementationVersion();
            }
            return version == null ? "(unknown version)" : version;
        }
    }
}
