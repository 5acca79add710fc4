package io.inmesh.controlplane;

import io.inmesh.controlplane.internal.HttpApi;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The control plane: serves the rules of one directory to workloads over HTTP, as
 * {@code docs/control-plane-protocol.md} describes ({@code GET /v1/rules}, a server-sent event stream
 * of scoped versions; {@code POST /v1/reports}, ACK/NACK; {@code GET /status}). What
 * {@code mesh control-plane} runs; embeddable as a library:
 *
 * <pre>{@code
 * try (ControlPlane controlPlane = ControlPlane.builder(Path.of("rules")).port(0).build().start()) {
 *     URI url = controlPlane.uri(); // http://127.0.0.1:<port>
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Security.</b> It listens on loopback unless told otherwise, and refuses to start on any other
 * address without a bearer {@linkplain Builder#token token}; with a token every request must carry
 * {@code Authorization: Bearer <token>} (compared in constant time) or gets {@code 401}.
 *
 * <p><b>Threads.</b> {@link #start()} blocks (it reads the directory and binds); afterwards requests are
 * served on reactor-netty event loops, which never block. Thread-safe.
 */
public final class ControlPlane implements AutoCloseable {

    /** The heartbeat interval of the protocol (§2). */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    /** The longest request line or header accepted (§7). */
    static final int MAX_HEADER_BYTES = 8192;

    private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());

    private final Builder settings;
    private RuleRepository repository;
    private HttpApi api;
    private DisposableServer server;
    private boolean closed;

    private ControlPlane(Builder settings) {
        this.settings = settings;
    }

    /** A control plane for the rules in {@code rulesDirectory} (Istio YAML files in folders of any depth). */
    public static Builder builder(Path rulesDirectory) {
        return new Builder(Objects.requireNonNull(rulesDirectory, "rulesDirectory"));
    }

    /**
     * Reads the rules directory (publishing its first version when it is valid, see {@link RuleRepository})
     * and starts listening. Blocks until both are done.
     *
     * @return this control plane
     * @throws IllegalStateException when already started or closed, or when asked to listen on a
     *     non-loopback address without a token
     * @throws RuntimeException when the address cannot be bound
     */
    public synchronized ControlPlane start() {
        if (server != null || closed) {
            throw new IllegalStateException("control plane for " + settings.rules + ": already " + (closed ? "closed" : "started"));
        }
        requireTokenUnlessLoopback(settings.host, settings.token);
        repository = RuleRepository.open(settings.rules, settings.repository.withClock(settings.clock));
        try {
            api = new HttpApi(repository, settings.clock, settings.heartbeat, settings.token);
            server = HttpServer.create()
                    .host(settings.host)
                    .port(settings.port)
                    .httpRequestDecoder(spec -> spec.maxInitialLineLength(MAX_HEADER_BYTES).maxHeaderSize(MAX_HEADER_BYTES))
                    .route(api::addTo)
                    // Tracked so that closing closes every connection, idle kept-alive ones too: a
                    // workload's next report must reach whoever listens next, not this closed instance.
                    .channelGroup(new io.netty.channel.group.DefaultChannelGroup(io.netty.util.concurrent.GlobalEventExecutor.INSTANCE))
                    .bindNow();
        } catch (RuntimeException e) {
            repository.close();
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, () -> "control plane serving " + repository.directory() + " at " + uri()
                + (settings.token == null ? "" : " (bearer token required)"));
        return this;
    }

    /**
     * Refuses a non-loopback listening address without a token: the rules (hosts, topology) would be
     * readable by anyone on the network.
     */
    static void requireTokenUnlessLoopback(String host, String token) {
        if (token != null) {
            return;
        }
        boolean loopback;
        try {
            loopback = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("host: " + host + ": unknown host (expected: an address of this machine)", e);
        }
        if (!loopback) {
            throw new IllegalStateException("host: " + host + " is not a loopback address, and no token is set (expected: a"
                    + " bearer token (--token-file) to listen beyond loopback, or host 127.0.0.1)");
        }
    }

    /** The port listened on (the one chosen by the system when the builder asked for 0). */
    public synchronized int port() {
        requireStarted();
        return server.port();
    }

    /** The address listened on, as given to the builder. */
    public String host() {
        return settings.host;
    }

    /** The URL of the control plane, such as {@code http://127.0.0.1:15080}. */
    public synchronized URI uri() {
        requireStarted();
        String host = settings.host.contains(":") ? "[" + settings.host + "]" : settings.host;
        return URI.create("http://" + host + ":" + server.port());
    }

    /** The rules served: the published version, later versions, the last refusal. */
    public synchronized RuleRepository repository() {
        requireStarted();
        return repository;
    }

    /** Stops listening (open streams end) and stops watching the directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (api != null) {
            api.close();
        }
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(5));
        }
        if (repository != null) {
            repository.close();
        }
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("control plane for " + settings.rules + ": not started");
        }
    }

    /** Settings of a {@link ControlPlane}; {@link #build()} makes one. Not thread-safe. */
    public static final class Builder {

        private final Path rules;
        private String host = "127.0.0.1";
        private int port;
        private String token;
        private Clock clock = Clock.systemUTC();
        private Duration heartbeat = DEFAULT_HEARTBEAT;
        private RuleRepository.Settings repository = RuleRepository.Settings.DEFAULTS;

        private Builder(Path rules) {
            this.rules = rules;
        }

        /** The address to listen on; {@code 127.0.0.1} unless set. Any other than loopback requires a {@link #token}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port to listen on; 0 (the default) lets the system choose one, see {@link ControlPlane#port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
            }
            this.port = port;
            return this;
        }

        /** The bearer token every request must carry; {@code null} (the default) for none. */
        public Builder token(String token) {
            if (token != null && (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c == 0x7f))) {
                throw new IllegalArgumentException("token: empty or with spaces or control characters (expected: printable"
                        + " characters without spaces)");
            }
            this.token = token;
            return this;
        }

        /** The clock of publication, status and heartbeat times; the system clock unless set (tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long a stream may go without a write before a heartbeat comment; 15 s unless set (tests). */
        public Builder heartbeat(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("heartbeat: " + interval + " (expected: more than 0)");
            }
            this.heartbeat = interval;
            return this;
        }

        /** How the directory is published (debounce, allowing to remove all routes); its clock is {@link #clock}'s. */
        public Builder repository(RuleRepository.Settings settings) {
            this.repository = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** A control plane with these settings, not started yet. */
        public ControlPlane build() {
            Builder copy = new Builder(rules);
            copy.host = host;
            copy.port = port;
            copy.token = token;
            copy.clock = clock;
            copy.heartbeat = heartbeat;
            copy.repository = repository;
            return new ControlPlane(copy);
        }
    }
}
