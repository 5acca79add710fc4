package io.inmesh.core;

import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.config.SourceDocument;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.PeerIdentity;
import io.inmesh.core.http.Upstream;
import io.inmesh.core.internal.chain.InterceptorChain;
import io.inmesh.core.internal.source.RuleStore;
import io.inmesh.core.internal.transport.ClientTransport;
import io.inmesh.core.model.Sidecar;
import io.inmesh.core.registry.ServiceRegistry;
import io.inmesh.core.source.BearerToken;
import io.inmesh.core.telemetry.CallRecord;
import io.inmesh.core.source.ConfigSource;
import io.inmesh.core.source.ControlPlaneConfigSource;
import io.inmesh.core.spi.ClientStage;
import io.inmesh.core.spi.MeshExtension;
import io.inmesh.core.spi.MeshInterceptor;
import io.inmesh.core.spi.ServerStage;
import io.inmesh.core.spi.SnapshotCompiler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.HttpProtocol;

/**
 * The mesh inside one JVM: the local workload, the current {@link MeshSnapshot} of the rules, and
 * the client and server stacks that apply them.
 *
 * <p>The snapshot is replaced atomically whenever the {@link ConfigSource} emits a valid
 * configuration; an invalid one is refused whole, its diagnostics logged and kept in
 * {@link #lastRejection()}, and the last good snapshot stays in force. Every request reads the
 * snapshot once, when it enters the mesh. Until the first valid configuration arrives the mesh runs
 * on an empty one, in which every host takes its default route.
 *
 * <p>With {@link Builder#lastGoodRules(Path)}, every configuration swapped in is also kept on disk,
 * and a mesh built later starts on the rules kept there until its source delivers, so that a restart
 * while the source is unreachable still routes. {@link #rulesStatus()} says which rules are in force,
 * where they came from and how stale they are.
 *
 * <p>Thread-safe. Close it to stop watching the source and release connections.
 */
public final class Mesh implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Mesh.class.getName());

    private final LocalWorkload workload;
    private final Sidecar.OutboundTrafficPolicy.Mode defaultOutboundPolicy;
    private final List<SnapshotCompiler<?>> compilers;
    private final InterceptorChain clientChain;
    private final List<InterceptorChain.Named> serverInterceptors;
    private final List<MeshExtension> extensions;
    private final ClientTransport transport;
    private final HttpHeaders identityHeaders;
    private final Clock clock;
    private final AtomicLong versions = new AtomicLong();
    private final AtomicReference<MeshSnapshot> current = new AtomicReference<>();
    private final AtomicReference<List<Diagnostic>> lastRejection = new AtomicReference<>(List.of());
    private final AtomicLong rejections = new AtomicLong();
    private final Sinks.Many<MeshSnapshot> snapshots = Sinks.many().replay().latest();
    private final Sinks.One<MeshSnapshot> ready = Sinks.one();
    private final ConfigSource source;
    private final Disposable subscription;
    private final MeshClient client;
    private final RuleStore ruleStore;
    private final Instant builtAt;
    /** Changed only by the source's emissions (one at a time) and the constructor. */
    private final AtomicReference<RulesState> rules;

    /** What {@link #rulesStatus()} reports, but for the staleness, which depends on when it is asked. */
    private record RulesState(RulesStatus.Origin origin, String version, String content, Instant takenAt, Instant confirmedAt) {
    }

    private Mesh(Builder builder) {
        this.workload = Objects.requireNonNull(builder.workload, "workload");
        this.defaultOutboundPolicy = builder.outboundPolicy;
        this.clock = builder.clock;
        List<MeshExtension> extensions = new ArrayList<>(builder.extensions);
        if (builder.discoverExtensions) {
            // An extension the application added itself replaces the discovered one of the same name.
            java.util.Set<String> added = new java.util.HashSet<>();
            builder.extensions.forEach(extension -> added.add(extension.name()));
            ServiceLoader.load(MeshExtension.class, Mesh.class.getClassLoader()).forEach(extension -> {
                if (added.add(extension.name())) {
                    extensions.add(extension);
                }
            });
        }
        extensions.add(0, new CoreExtension());
        this.extensions = List.copyOf(extensions);
        List<SnapshotCompiler<?>> compilerList = new ArrayList<>();
        List<MeshExtension.Positioned<ClientStage>> client = new ArrayList<>();
        List<MeshExtension.Positioned<ServerStage>> server = new ArrayList<>();
        for (MeshExtension extension : extensions) {
            compilerList.addAll(extension.snapshotCompilers());
            client.addAll(extension.clientInterceptors());
            server.addAll(extension.serverInterceptors());
        }
        client.addAll(builder.clientInterceptors);
        server.addAll(builder.serverInterceptors);
        this.compilers = List.copyOf(compilerList);
        this.transport = new ClientTransport(workload.name(), builder.protocol);
        this.identityHeaders = new DefaultHttpHeaders().set(PeerIdentity.HEADER,
                new PeerIdentity(workload.name(), workload.namespace(), workload.labels(), workload.serviceAccount(), false).toHeader());
        this.clientChain = new InterceptorChain(ordered(client), this::sendToUpstream);
        this.serverInterceptors = ordered(server);
        this.builtAt = clock.instant();
        this.rules = new AtomicReference<>(new RulesState(RulesStatus.Origin.NONE, null, null, builtAt, builtAt));
        this.current.set(compile(MeshConfig.of(List.of()).config()));
        this.source = builder.source;
        this.ruleStore = builder.lastGoodRules == null ? null : new RuleStore(builder.lastGoodRules);
        if (ruleStore != null) {
            restoreLastGoodRules(); // before subscribing: what the source delivers replaces these
        }
        this.snapshots.tryEmitNext(current.get());
        this.subscription = source == null ? null : source.updates().subscribe(this::apply,
                error -> LOG.log(System.Logger.Level.ERROR, "config source " + source.describe() + " failed; keeping the last good rules", error));
        this.client = new MeshClient(this);
        for (MeshExtension extension : this.extensions) {
            extension.onStart(this);
        }
    }

    /** Starts building a mesh. */
    public static Builder builder() {
        return new Builder();
    }

    private static <S extends Enum<S>> List<InterceptorChain.Named> ordered(List<MeshExtension.Positioned<S>> positioned) {
        // A stable sort: interceptors of one stage keep the order they were added in.
        return positioned.stream()
                .sorted(Comparator.comparingInt(p -> p.stage().ordinal()))
                .map(p -> new InterceptorChain.Named(p.name(), p.interceptor()))
                .toList();
    }

    /** Starts on the rules kept on disk, when there are valid ones; a bad file was logged by the store. */
    private void restoreLastGoodRules() {
        RuleStore.RestoredRules restored = ruleStore.restore().orElse(null);
        if (restored == null) {
            return;
        }
        MeshSnapshot snapshot;
        try {
            snapshot = compile(restored.config());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not compile the last good rules (version " + restored.version()
                    + ") in " + ruleStore.file() + "; starting without rules", e);
            return;
        }
        current.set(snapshot);
        String content = restored.config().sourceDocuments().map(RuleStore::contentVersion).orElse(null);
        rules.set(new RulesState(RulesStatus.Origin.RESTORED, restored.version(), content, restored.takenAt(), restored.takenAt()));
        LOG.log(System.Logger.Level.INFO, () -> "serving the last good rules (version " + restored.version() + ", taken at "
                + restored.takenAt() + ") from " + ruleStore.file() + " until "
                + (source == null ? "a config source delivers" : source.describe() + " delivers valid rules"));
    }

    private void apply(MeshConfig.LoadResult result) {
        if (!result.isValid()) {
            lastRejection.set(result.diagnostics());
            rejections.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, () -> "refused new rules from " + source.describe() + " ("
                    + result.errorCount() + " errors); keeping version " + current.get().version() + ":\n"
                    + String.join("\n", result.diagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::format).toList()));
            source.outcome(result, false, result.diagnostics());
            return;
        }
        Instant now = clock.instant();
        RulesState before = rules.get();
        String content = result.config().sourceDocuments().map(RuleStore::contentVersion).orElse(null);
        String version = result.version() != null ? result.version() : content;
        if (content != null && before.origin() != RulesStatus.Origin.NONE && content.equals(before.content())) {
            // The rules in force, delivered again (perhaps under a new version of the source's, when
            // what changed concerns other workloads): they are current, nothing to rebuild.
            lastRejection.set(List.of());
            boolean renamed = !version.equals(before.version());
            rules.set(new RulesState(RulesStatus.Origin.SOURCE, version, content, renamed ? now : before.takenAt(), now));
            if (renamed && ruleStore != null) {
                ruleStore.saveLater(new RuleStore.StoredRules(version, now, result.config().sourceDocuments().get()), Schedulers.boundedElastic());
            }
            ready.tryEmitValue(current.get());
            source.outcome(result, true, result.diagnostics());
            return;
        }
        MeshSnapshot next;
        try {
            next = compile(result.config());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "could not compile new rules; keeping version " + current.get().version(), e);
            source.outcome(result, false, List.of(new Diagnostic(io.inmesh.core.config.Severity.ERROR,
                    io.inmesh.core.config.SourceLocation.of(source.describe()), null, null, "internal error while compiling the rules: " + e)));
            return;
        }
        String nextVersion = version != null ? version : "local-" + next.version();
        lastRejection.set(List.of());
        current.set(next);
        rules.set(new RulesState(RulesStatus.Origin.SOURCE, nextVersion, content, now, now));
        snapshots.tryEmitNext(next);
        ready.tryEmitValue(next);
        if (ruleStore != null) {
            List<SourceDocument> documents = result.config().sourceDocuments().orElse(null);
            if (documents == null) {
                LOG.log(System.Logger.Level.WARNING, () -> "cannot keep rules version " + nextVersion + " in " + ruleStore.file()
                        + ": they were built in code, with no YAML text to keep");
            } else {
                ruleStore.saveLater(new RuleStore.StoredRules(nextVersion, now, documents), Schedulers.boundedElastic());
            }
        }
        source.outcome(result, true, result.diagnostics());
    }

    private MeshSnapshot compile(MeshConfig config) {
        Map<Class<?>, Object> parts = new HashMap<>();
        parts.put(OutboundPolicy.class, OutboundPolicy.compile(config, workload, defaultOutboundPolicy));
        parts.put(ServiceRegistry.class, ServiceRegistry.compile(config));
        parts.put(InboundPolicies.class, InboundPolicies.compile(config, workload));
        for (SnapshotCompiler<?> compiler : compilers) {
            parts.put(compiler.type(), compiler.compile(config, workload));
        }
        return new MeshSnapshot(versions.incrementAndGet(), config, parts, clock.instant());
    }

    /** The workload this mesh runs in. */
    public LocalWorkload workload() {
        return workload;
    }

    /** The snapshot in force now. */
    public MeshSnapshot snapshot() {
        return current.get();
    }

    /** The snapshot in force now, then every one that replaces it. */
    public Flux<MeshSnapshot> snapshots() {
        return snapshots.asFlux();
    }

    /**
     * Completes with the first snapshot built from a valid configuration of the source. Rules
     * restored from disk ({@link Builder#lastGoodRules}) do not complete it: they are in force at
     * once, and {@link #rulesStatus()} tells them apart.
     */
    public Mono<MeshSnapshot> ready() {
        return ready.asMono();
    }

    /** The diagnostics of the last configuration the source offered and the mesh refused; empty after a valid one. */
    public List<Diagnostic> lastRejection() {
        return lastRejection.get();
    }

    /** How many configurations the source offered and the mesh refused since it was built. */
    public long rejectedConfigurations() {
        return rejections.get();
    }

    /**
     * Which rules are in force, where they came from and how stale they are, now (by the mesh's
     * {@linkplain Builder#clock clock}); see {@link RulesStatus} for the definition of staleness.
     */
    public RulesStatus rulesStatus() {
        RulesState state = rules.get();
        Instant now = clock.instant();
        Instant confirmedAt = state.confirmedAt();
        if (source != null && state.origin() == RulesStatus.Origin.SOURCE && lastRejection.get().isEmpty()) {
            // A streaming source knows more than its emissions: its rules are current while it is in sync.
            Instant asOf = source.currentAsOf().orElse(confirmedAt);
            if (asOf.isAfter(now)) {
                asOf = now;
            }
            if (asOf.isAfter(confirmedAt)) {
                confirmedAt = asOf;
            }
        }
        Duration staleness = Duration.between(confirmedAt, now);
        return new RulesStatus(state.origin(), state.version(), state.takenAt(), confirmedAt,
                staleness.isNegative() ? Duration.ZERO : staleness);
    }

    /** The outbound client: calls made through it are routed by the mesh. */
    public MeshClient client() {
        return client;
    }

    /** Starts building a server whose requests pass the inbound stack. */
    public MeshServer.Builder server(MeshHandler handler) {
        return MeshServer.builder(this, handler);
    }

    /** The interceptors of the client stack, in order, by name. */
    public List<String> clientStack() {
        return clientChain.interceptors().stream().map(InterceptorChain.Named::name).toList();
    }

    /** The interceptors of the server stack, in order, by name. */
    public List<String> serverStack() {
        return serverInterceptors.stream().map(InterceptorChain.Named::name).toList();
    }

    Mono<MeshResponse> outbound(MeshRequest request) {
        return Mono.defer(() -> clientChain.execute(request, current.get(), workload));
    }

    /**
     * The server stack in front of {@code handler}, built once per handler; each call reads the
     * current snapshot. A caller that declared itself as a mesh workload learns in turn who answered
     * (the {@link PeerIdentity#HEADER} response header), as Istio's sidecars exchange peer metadata,
     * so that its telemetry can name the destination workload.
     */
    java.util.function.Function<MeshRequest, Mono<MeshResponse>> inbound(MeshHandler handler) {
        InterceptorChain chain = new InterceptorChain(serverInterceptors, handler::handle);
        String identity = identityHeaders.get(PeerIdentity.HEADER);
        return request -> {
            Mono<MeshResponse> response = Mono.defer(() -> chain.execute(request, current.get(), workload));
            if (request.attribute(PeerIdentity.KEY) == null) {
                return response;
            }
            return response.map(answer -> {
                answer.headers().set(PeerIdentity.HEADER, identity);
                return answer;
            });
        };
    }

    private Mono<MeshResponse> sendToUpstream(MeshRequest request) {
        Upstream upstream = request.attribute(Upstream.KEY);
        if (upstream == null) {
            return Mono.error(new MeshException.NoHealthyUpstream(
                    "no endpoint was chosen for " + request.authority() + ": is the routing module (mesh-routing) on the class path?"));
        }
        CallRecord record = request.attribute(CallRecord.KEY);
        if (record == null) {
            return transport.send(request, upstream, identityHeaders).map(Mesh::withoutPeerHeader);
        }
        record.sending(upstream);
        return transport.send(request, upstream, identityHeaders).map(response -> {
            PeerIdentity peer = PeerIdentity.fromHeader(response.headers().get(PeerIdentity.HEADER));
            if (peer != null) {
                record.answeredBy(peer);
            }
            return withoutPeerHeader(response);
        });
    }

    /** The peer exchange is between meshes: the application sees the response as the upstream's application sent it. */
    private static MeshResponse withoutPeerHeader(MeshResponse response) {
        response.headers().remove(PeerIdentity.HEADER);
        return response;
    }

    @Override
    public void close() {
        for (MeshExtension extension : extensions) {
            try {
                extension.onClose(this);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "extension " + extension.name() + " failed to close; closing the mesh anyway", e);
            }
        }
        if (subscription != null) {
            subscription.dispose();
        }
        if (source != null) {
            source.close();
        }
        snapshots.tryEmitComplete();
        transport.close();
        if (ruleStore != null) {
            ruleStore.close(); // the latest rules are on disk, and nothing writes there any more
        }
    }

    /** Builds a {@link Mesh}. Only the workload is required. */
    public static final class Builder {
        private LocalWorkload workload;
        private ConfigSource source;
        private Sidecar.OutboundTrafficPolicy.Mode outboundPolicy = Sidecar.OutboundTrafficPolicy.Mode.ALLOW_ANY;
        private final List<MeshExtension> extensions = new ArrayList<>();
        private boolean discoverExtensions = true;
        private final List<MeshExtension.Positioned<ClientStage>> clientInterceptors = new ArrayList<>();
        private final List<MeshExtension.Positioned<ServerStage>> serverInterceptors = new ArrayList<>();
        private HttpProtocol protocol = HttpProtocol.HTTP11;
        private Clock clock = Clock.systemUTC();
        private Path lastGoodRules;
        /** The control plane of {@link #settings}, connected by {@link #build()}. */
        private java.util.function.Supplier<ConfigSource> deferredSource;

        private Builder() {
        }

        public Builder workload(LocalWorkload workload) {
            this.workload = Objects.requireNonNull(workload, "workload");
            return this;
        }

        /**
         * The workload, outbound traffic policy, rule files or control plane, and last-good-rules
         * file of {@code settings} (read from {@code mesh.yaml} or the environment); the rule files
         * are watched for changes, the control plane is connected when the mesh is built.
         *
         * @throws MeshSettingsException when the control plane's token file cannot be read
         */
        public Builder settings(MeshSettings settings) {
            workload(settings.workload());
            outboundTrafficPolicy(settings.outboundTrafficPolicy());
            if (!settings.configPaths().isEmpty()) {
                configSource(io.inmesh.core.source.FileConfigSource.watch(settings.configPaths()));
            }
            MeshSettings.ControlPlane controlPlane = settings.controlPlane();
            if (controlPlane != null) {
                ControlPlaneConfigSource.Options options = ControlPlaneConfigSource.Options.defaults();
                if (controlPlane.tokenFile() != null) {
                    try {
                        options = options.bearerToken(BearerToken.read(controlPlane.tokenFile()));
                    } catch (IllegalArgumentException e) {
                        throw new MeshSettingsException(List.of(new Diagnostic(io.inmesh.core.config.Severity.ERROR,
                                io.inmesh.core.config.SourceLocation.of(controlPlane.tokenFile().toString()), null,
                                "controlPlane.tokenFile", e.getMessage())));
                    }
                }
                if (controlPlane.instance() != null) {
                    options = options.instance(controlPlane.instance());
                }
                // Connected in build(), so that a builder given settings and never built opens nothing.
                ControlPlaneConfigSource.Options connectWith = options;
                this.source = null;
                this.deferredSource = () -> ControlPlaneConfigSource.connect(controlPlane.urls(), settings.workload(), connectWith);
            }
            if (settings.lastGoodRules() != null) {
                lastGoodRules(settings.lastGoodRules());
            }
            return this;
        }

        /** Where the rules come from; without one the mesh runs on no rules (default routes only). */
        public Builder configSource(ConfigSource source) {
            this.source = Objects.requireNonNull(source, "source");
            this.deferredSource = null;
            return this;
        }

        /**
         * Keeps the last good rules in {@code file}: every configuration the mesh swaps in is
         * written there (off the request path, atomically, with a checksum; a burst of changes
         * writes only the latest), and at start-up the mesh serves the rules found there at once,
         * until its config source delivers valid ones. A missing, truncated or corrupted file is
         * logged and ignored: the mesh then starts without rules, as it would without this option.
         * The directory is created when it does not exist. {@link #build()} reads the file, so
         * build the mesh off event loops, as its other start-up work requires anyway.
         */
        public Builder lastGoodRules(Path file) {
            this.lastGoodRules = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * The mesh-wide outbound traffic policy, Istio's {@code meshConfig.outboundTrafficPolicy}:
         * {@code ALLOW_ANY} (the default) or {@code REGISTRY_ONLY}. A Sidecar resource that applies
         * to the workload overrides it.
         */
        public Builder outboundTrafficPolicy(Sidecar.OutboundTrafficPolicy.Mode mode) {
            this.outboundPolicy = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Adds an extension beside those found on the class path. */
        public Builder extension(MeshExtension extension) {
            extensions.add(Objects.requireNonNull(extension, "extension"));
            return this;
        }

        /** Whether to add the extensions registered with {@link ServiceLoader}; on by default. */
        public Builder discoverExtensions(boolean discover) {
            this.discoverExtensions = discover;
            return this;
        }

        /** Adds an application interceptor to the client stack; {@code stage} should be one of the {@code USER_*} stages. */
        public Builder clientInterceptor(ClientStage stage, String name, MeshInterceptor interceptor) {
            clientInterceptors.add(new MeshExtension.Positioned<>(stage, name, interceptor));
            return this;
        }

        /** Adds an application interceptor to the server stack. */
        public Builder serverInterceptor(ServerStage stage, String name, MeshInterceptor interceptor) {
            serverInterceptors.add(new MeshExtension.Positioned<>(stage, name, interceptor));
            return this;
        }

        /** HTTP/1.1 (the default) or HTTP/2 cleartext with prior knowledge ({@link HttpProtocol#H2C}) towards upstreams. */
        public Builder upstreamProtocol(HttpProtocol protocol) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            return this;
        }

        /** The clock that stamps snapshots and measures {@linkplain Mesh#rulesStatus() staleness}; tests inject a fixed one. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Mesh build() {
            if (deferredSource != null) {
                source = deferredSource.get();
                deferredSource = null;
            }
            return new Mesh(this);
        }
    }
}
