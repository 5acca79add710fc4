package io.inmesh.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Two HAProxy processes in HTTP mode, the shape of two Istio sidecars: the client's outbound proxy
 * ({@code inboundPort} → the second) and the server's inbound proxy (→ the backend), one thread
 * each, keep-alive on both sides and connections to the next hop reused, pinned to the CPU of the
 * systems under test.
 */
final class HaproxyPair implements AutoCloseable {

    private final SutProcess outbound;
    private final SutProcess inbound;

    private HaproxyPair(SutProcess outbound, SutProcess inbound) {
        this.outbound = outbound;
        this.inbound = inbound;
    }

    /** Whether {@code haproxy} is on the PATH (the launcher installs Debian's package when missing). */
    static boolean available() {
        try {
            Process version = new ProcessBuilder("haproxy", "-v").redirectErrorStream(true).start();
            version.getInputStream().readAllBytes();
            return version.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code haproxy -v}'s first line. */
    static String version() {
        try {
            Process version = new ProcessBuilder("haproxy", "-v").redirectErrorStream(true).start();
            String text = new String(version.getInputStream().readAllBytes()).strip();
            version.waitFor();
            return text.lines().findFirst().orElse("unknown");
        } catch (IOException e) {
            return "not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** A free loopback port, for a proxy that must be known before it starts. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the pair: {@code listenPort} → a second proxy → {@code backendPort}, pinned to {@code cpu}. */
    static HaproxyPair start(int cpu, int listenPort, int backendPort, Path directory) {
        int middle = freePort();
        SutProcess inbound = proxy(cpu, middle, backendPort, directory.resolve("inbound.cfg"));
        SutProcess outbound = proxy(cpu, listenPort, middle, directory.resolve("outbound.cfg"));
        return new HaproxyPair(outbound, inbound);
    }

    static String config(int listenPort, int targetPort) {
        return """
                global
                  nbthread 1
                  maxconn 4096
                defaults
                  mode http
                  option http-keep-alive
                  http-reuse always
                  timeout connect 5s
                  timeout client 60s
                  timeout server 60s
                frontend in
                  bind 127.0.0.1:%d
                  default_backend next
                backend next
                  server next 127.0.0.1:%d maxconn 1024
                """.formatted(listenPort, targetPort);
    }

    private static SutProcess proxy(int cpu, int listenPort, int targetPort, Path file) {
        try {
            Files.writeString(file, config(listenPort, targetPort));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // -db: stay in the foreground, so that this process is the proxy whose CPU is measured.
        return SutProcess.start(cpu, List.of("haproxy", "-db", "-f", file.toString()));
    }

    /** The proxies' process ids (CPU time and resident memory count for the setup). */
    List<Long> pids() {
        return List.of(outbound.pid(), inbound.pid());
    }

    boolean isAlive() {
        return outbound.isAlive() && inbound.isAlive();
    }

    @Override
    public void close() {
        outbound.close();
        inbound.close();
    }
}
