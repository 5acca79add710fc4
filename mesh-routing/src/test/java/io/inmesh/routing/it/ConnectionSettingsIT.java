package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.inmesh.core.Mesh;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.netty.http.HttpProtocol;

/**
 * The connection settings of a DestinationRule's {@code connectionPool} reach the transport:
 * {@code tcp.connectTimeout} bounds a connect that gets no answer (503 {@code UF}, long before Istio's
 * default 10 s); {@code http.maxRequestsPerConnection: 1} makes a new connection per request (over
 * HTTP/1.1 and h2c), while without it one connection carries them all; {@code http.idleTimeout} closes
 * a connection left idle (never one with a request under way), while a cluster without it keeps its
 * connection.
 */
@ExtendWith(BlockHoundExtension.class)
class ConnectionSettingsIT {

    private static Mesh mesh(HttpProtocol protocol, String... documents) {
        TestConfigSource source = new TestConfigSource().push(documents);
        return Meshes.client(source, "productpage-v1", Map.of("app", "productpage", "version", "v1"),
                builder -> builder.upstreamProtocol(protocol));
    }

    private static String destinationRule(String host, String connectionPool) {
        return """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: %1$s
                  namespace: bookinfo
                spec:
                  host: %1$s
                  trafficPolicy:
                    connectionPool:
                %2$s
                """.formatted(host, connectionPool.indent(6).stripTrailing());
    }

    @Test
    void aConnectThatGetsNoAnswerFailsWithUfWithinTheConnectTimeout() throws IOException {
        // A listening socket whose accept queue is full: the kernel drops further SYNs, so a connect
        // neither succeeds nor is refused; only the connect timeout ends it.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> filling = fillAcceptQueue(full);
            try (Mesh mesh = mesh(HttpProtocol.HTTP11,
                    Yaml.serviceEntry("ratings"), Yaml.workloadEntry("ratings-v1", "ratings", "v1", full.getLocalPort()),
                    destinationRule("ratings", """
                            tcp:
                              connectTimeout: 300ms
                            """))) {
                long start = System.nanoTime();
                Throwable failure = catchThrowable(() -> mesh.client().get("http://ratings:9080/ratings/1").retrieve().block(Meshes.WAIT));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                System.out.printf("ConnectionSettingsIT connectTimeout 300ms to a full accept queue: %s after %d ms%n",
                        failure, took.toMillis());

                assertThat(failure).isInstanceOfSatisfying(MeshException.class, error -> {
                    assertThat(error.status()).isEqualTo(503);
                    assertThat(error.flag()).isEqualTo(ResponseFlag.UF);
                    assertThat(error.reason()).contains("timed out");
                });
                // Generous: even with Istio's default retries (3 tries of 300 ms) this is far below the
                // 10 s default connect timeout it would take without the rule.
                assertThat(took).isLessThan(Duration.ofSeconds(5));
            } finally {
                for (Socket socket : filling) {
                    socket.close();
                }
            }
        }
    }

    /** Connects until a connect times out: from then on the listening socket's queue is full. */
    private static List<Socket> fillAcceptQueue(ServerSocket server) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Socket socket = new Socket();
            sockets.add(socket);
            try {
                socket.connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), 200);
            } catch (SocketTimeoutException full) {
                return sockets;
            }
        }
        throw new IllegalStateException("the accept queue never filled; this kernel refuses or accepts instead of dropping SYNs");
    }

    @ParameterizedTest
    @EnumSource(value = HttpProtocol.class, names = {"HTTP11", "H2C"})
    void maxRequestsPerConnectionOneMakesANewConnectionPerRequest(HttpProtocol protocol) {
        try (CountingUpstream limited = new CountingUpstream();
                CountingUpstream unlimited = new CountingUpstream();
                Mesh mesh = mesh(protocol,
                        Yaml.serviceEntry("ratings"), Yaml.workloadEntry("ratings-v1", "ratings", "v1", limited.port()),
                        Yaml.serviceEntry("details"), Yaml.workloadEntry("details-v1", "details", "v1", unlimited.port()),
                        destinationRule("ratings", """
                                http:
                                  maxRequestsPerConnection: 1
                                """))) {
            for (int i = 0; i < 5; i++) {
                assertThat(Meshes.get(mesh, "http://ratings:9080/ratings/" + i)).isEqualTo("served");
                assertThat(Meshes.get(mesh, "http://details:9080/details/" + i)).isEqualTo("served");
            }
            assertThat(limited.requests()).isEqualTo(5);
            assertThat(limited.acceptedConnections()).as("one connection per request").isEqualTo(5);
            assertThat(unlimited.acceptedConnections()).as("one connection for all, without the setting").isEqualTo(1);
            // A connection that has carried its request is closed, not kept idle.
            await().atMost(Meshes.WAIT).until(() -> limited.openConnections() <= 1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = HttpProtocol.class, names = {"HTTP11", "H2C"})
    void idleTimeoutClosesAnIdleConnection(HttpProtocol protocol) {
        try (CountingUpstream idleLimited = new CountingUpstream();
                CountingUpstream kept = new CountingUpstream();
                Mesh mesh = mesh(protocol,
                        Yaml.serviceEntry("ratings"), Yaml.workloadEntry("ratings-v1", "ratings", "v1", idleLimited.port()),
                        Yaml.serviceEntry("details"), Yaml.workloadEntry("details-v1", "details", "v1", kept.port()),
                        destinationRule("ratings", """
                                http:
                                  idleTimeout: 300ms
                                """))) {
            assertThat(Meshes.get(mesh, "http://ratings:9080/ratings/1")).isEqualTo("served");
            assertThat(Meshes.get(mesh, "http://details:9080/details/1")).isEqualTo("served");
            assertThat(idleLimited.acceptedConnections()).isEqualTo(1);

            await().atMost(Meshes.WAIT).until(() -> idleLimited.closedConnections() == 1);
            assertThat(kept.openConnections()).as("Istio's default idle timeout is 1 h").isEqualTo(1);

            // The next call opens a fresh connection.
            assertThat(Meshes.get(mesh, "http://ratings:9080/ratings/2")).isEqualTo("served");
            assertThat(idleLimited.acceptedConnections()).isEqualTo(2);

            // A connection with a request under way is not idle, however long the answer takes: the
            // 800 ms answer arrives on its first try (a close under way would reset it, and Istio's
            // default retry policy does not retry resets). Whether the request found connection 2
            // still open depends on how long the machine took between the calls, so that is not asserted.
            idleLimited.delay(() -> Duration.ofMillis(800));
            int requestsBefore = idleLimited.requests();
            assertThat(Meshes.get(mesh, "http://ratings:9080/ratings/3")).isEqualTo("served");
            assertThat(idleLimited.requests() - requestsBefore).isEqualTo(1);
        }
    }
}
