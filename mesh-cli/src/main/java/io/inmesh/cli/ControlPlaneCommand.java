package io.inmesh.cli;

import io.inmesh.controlplane.ControlPlane;
import io.inmesh.controlplane.PublishedRules;
import io.inmesh.controlplane.RuleRepository;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import io.inmesh.core.source.BearerToken;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.Disposable;

/**
 * {@code mesh control-plane --rules DIR [--port N] [--host H] [--token-file F]
 * [--allow-removing-all-routes]}: serves a rules directory to workloads until interrupted.
 */
@Command(
        name = "control-plane",
        mixinStandardHelpOptions = true,
        versionProvider = MeshCommand.Version.class,
        sortOptions = false,
        header = "Serves a directory of Istio rules to workloads (GET /v1/rules, POST /v1/reports, GET /status).",
        description = {
            "Validates the rules as 'mesh validate' does and publishes each valid change of the directory as a new",
            "version, which reaches every connected workload within a second; an invalid change is refused (logged,",
            "shown in /status) and the published version stays. Runs until interrupted (Ctrl-C).",
            "The protocol: docs/control-plane-protocol.md."
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:stopped after an interrupt",
            "1:could not start (address in use, no token for a non-loopback host, unreadable token file)",
            "2:usage error"
        })
final class ControlPlaneCommand implements Callable<Integer> {

    /** The port listened on unless {@code --port} says otherwise. */
    static final int DEFAULT_PORT = 15080;

    @Spec
    CommandSpec spec;

    @Option(names = "--rules", required = true, paramLabel = "DIR",
            description = "The rules directory: its *.yaml and *.yml files, in folders of any depth.")
    Path rules;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + DEFAULT_PORT,
            description = "The port to listen on (default: ${DEFAULT-VALUE}; 0 for any free port).")
    int port;

    @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1",
            description = "The address to listen on (default: ${DEFAULT-VALUE}). Any other than loopback requires --token-file.")
    String host;

    @Option(names = "--token-file", paramLabel = "F",
            description = "A file holding the bearer token every request must carry (Authorization: Bearer <token>).")
    Path tokenFile;

    @Option(names = "--allow-removing-all-routes",
            description = "Publish a change that leaves no VirtualService, DestinationRule or ServiceEntry (refused otherwise).")
    boolean allowRemovingAllRoutes;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.qualifiedName();
        if (port < 0 || port > 65535) {
            err.println(name + ": --port: " + port + " (expected: 0 to 65535)");
            return MeshCommand.USAGE;
        }
        ControlPlane controlPlane;
        try {
            controlPlane = ControlPlane.builder(rules)
                    .host(host)
                    .port(port)
                    .token(tokenFile == null ? null : readToken(tokenFile))
                    .repository(RuleRepository.Settings.DEFAULTS.withAllowRemovingAllRoutes(allowRemovingAllRoutes))
                    .build()
                    .start();
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println(name + ": " + e.getMessage());
            return MeshCommand.FAILED;
        } catch (RuntimeException e) {
            // Binding failures come wrapped (an address in use, a host of another machine).
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            err.println(name + ": cannot listen on " + host + ":" + port + ": " + cause.getMessage());
            return MeshCommand.FAILED;
        }
        Thread closer = new Thread(controlPlane::close, "mesh-control-plane-shutdown");
        Runtime.getRuntime().addShutdownHook(closer);
        boolean interrupted = false;
        try (controlPlane) {
            out.println("control plane: " + controlPlane.uri() + " serving " + controlPlane.repository().directory()
                    + (tokenFile == null ? "" : " (bearer token required)"));
            if (controlPlane.repository().current().isEmpty()) {
                out.println("no version published: the rules are invalid (see the refusal above); waiting for a valid change");
            }
            Disposable printing = controlPlane.repository().versions()
                    .subscribe(version -> out.println("published " + describe(version)));
            try {
                new CountDownLatch(1).await(); // until interrupted; Ctrl-C ends the JVM through the shutdown hook
            } catch (InterruptedException e) {
                // Restored only after closing: closing waits for the server to stop, which an
                // interrupted thread cannot do (Reactor's block() would throw).
                interrupted = true;
            } finally {
                printing.dispose();
            }
            out.println("control plane stopped");
            return MeshCommand.OK;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(closer);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or will run; closing twice is harmless
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String describe(PublishedRules version) {
        return "v" + version.version() + " (" + version.hash().substring(0, 12) + "): " + version.documents().size()
                + " documents, " + version.config().resources().size() + " resources";
    }

    /** The token in {@code file}; a problem is a usage error naming {@code --token-file} and the file. */
    static String readToken(Path file) {
        try {
            return BearerToken.read(file);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--token-file: " + e.getMessage(), e.getCause());
        }
    }
}
