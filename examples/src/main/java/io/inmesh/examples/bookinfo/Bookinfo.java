package io.inmesh.examples.bookinfo;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.MeshHandler;
import io.inmesh.core.MeshServer;
import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.Hosts;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.Resource;
import io.inmesh.core.registry.Endpoint;
import io.inmesh.core.registry.ServiceRegistry;
import io.inmesh.core.source.ConfigSource;
import io.inmesh.core.source.ControlPlaneConfigSource;
import io.inmesh.core.source.FileConfigSource;
import io.inmesh.routing.RoutingExtension;
import io.inmesh.telemetry.MeshTelemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * Istio's Bookinfo application in one JVM: productpage, details, ratings and reviews v1, v2 and v3,
 * each a {@link MeshServer} on loopback with a {@link Mesh} and {@link LocalWorkload} of its own
 * (namespace {@value #NAMESPACE}, labels {@code app} and {@code version}). Every mesh takes its
 * rules from one {@link RulesDirectory}, watched by one {@link FileConfigSource}.
 *
 * <p>The services are described to the mesh as a platform would describe them: a ServiceEntry per
 * service ({@code reviews.default.svc.cluster.local}, port 9080 named {@code http}, endpoints chosen
 * by {@code workloadSelector}) and a WorkloadEntry per instance, at 127.0.0.1 and the port it bound.
 * Next to them, Istio's own {@code destination-rule-all.yaml} defines the subsets v1, v2 and v3.
 *
 * <p>{@link #fromControlPlane} starts the same services with their rules from a control plane
 * instead: each mesh has a connection of its own, with its workload's identity, and the servers
 * listen on fixed ports from a base port, which the control plane's ServiceEntries and
 * WorkloadEntries must name ({@link #servicesYaml(int)}; the repository ships them in
 * {@code examples/bookinfo/control-plane/services.yaml}).
 */
public final class Bookinfo implements AutoCloseable {

    /** The namespace of every workload; Istio's Bookinfo rules name none, which is {@code default}. */
    public static final String NAMESPACE = "default";
    /** The port every Bookinfo service is called on, as in Istio's sample. */
    public static final int SERVICE_PORT = 9080;
    /** Where the unchanged Istio rules are on the class path. */
    public static final String ISTIO_RULES = "bookinfo/istio/";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    /** The base port of {@link #fromControlPlane}'s servers unless told otherwise; the shipped services.yaml names it. */
    public static final int DEFAULT_BASE_PORT = 19080;

    /** One running instance: a version of a service, its mesh and its server. */
    public record Instance(String app, String version, Mesh mesh, MeshServer server) {
    }

    /**
     * One workload of Bookinfo: a version of a service, what it serves, and where it listens in
     * control-plane mode (base port plus {@code offset}).
     */
    private record Workload(String app, String version, int offset, Function<Mesh, MeshHandler> handler) {
        String name() {
            return app + "-" + version;
        }
    }

    /** Bookinfo's workloads, productpage first; the order fixes their ports from the base port. */
    private static final List<Workload> WORKLOADS = List.of(
            new Workload("productpage", "v1", 0, mesh -> new ProductPage(mesh.client())),
            new Workload("details", "v1", 1, mesh -> new Details()),
            new Workload("ratings", "v1", 2, mesh -> new Ratings()),
            new Workload("reviews", "v1", 3, mesh -> new Reviews("v1", Reviews.Stars.NONE, mesh.client())),
            new Workload("reviews", "v2", 4, mesh -> new Reviews("v2", Reviews.Stars.BLACK, mesh.client())),
            new Workload("reviews", "v3", 5, mesh -> new Reviews("v3", Reviews.Stars.RED, mesh.client())));

    /** A service instance as the registry must know it: at 127.0.0.1 and {@code port}. */
    record Placement(String app, String version, int port) {
    }

    /** Closed after the last mesh: the shared file watcher, or nothing when each mesh owns its source. */
    private final AutoCloseable afterMeshes;
    private final List<Instance> instances;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Bookinfo(AutoCloseable afterMeshes, List<Instance> instances) {
        this.afterMeshes = afterMeshes;
        this.instances = List.copyOf(instances);
    }

    /**
     * Starts every service on {@code rules}, with Istio's default destination rules and the service
     * descriptions applied, and returns once every mesh runs on them.
     *
     * @param rules the directory the meshes watch
     * @param seed the seed of every mesh's weighted picks, for reproducible splits; {@code null} for
     *     unseeded picks
     */
    public static Bookinfo start(RulesDirectory rules, Long seed) throws IOException {
        Json.warmUp();
        RulesDirectory.Applied destinationRules = apply(rules, List.of(istioRules("destination-rule-all.yaml")));
        // One watcher for the JVM: every mesh subscribes to it; it is closed after the last mesh.
        FileConfigSource watcher = FileConfigSource.watch(List.of(rules.path()));
        ConfigSource shared = new SharedSource(watcher);
        List<Instance> instances = new ArrayList<>();
        try {
            for (Workload workload : WORKLOADS) {
                instances.add(instance(mesh(shared, seed, workload), 0, workload));
            }
            Bookinfo bookinfo = new Bookinfo(watcher::close, instances);
            RulesDirectory.Applied services = apply(rules, List.of(new RulesDirectory.RuleText("bookinfo-services.yaml",
                    servicesYaml(instances.stream().map(i -> new Placement(i.app(), i.version(), i.server().port())).toList()))));
            List<Resource<?>> expected = new ArrayList<>(destinationRules.resources());
            expected.addAll(services.resources());
            RulesDirectory.inForce(bookinfo.meshes(), expected, START_TIMEOUT).block();
            return bookinfo;
        } catch (IOException | RuntimeException e) {
            closeAll(instances, watcher::close);
            throw e;
        }
    }

    /**
     * Starts every service with its rules from the control plane at {@code urls} (tried in turn, as
     * {@link ControlPlaneConfigSource} does): each mesh opens a connection of its own, as workload
     * {@code <app>-<version>} of namespace {@value #NAMESPACE} with labels {@code app} and
     * {@code version}. The servers listen on 127.0.0.1 from {@code basePort} on, in the order
     * productpage, details, ratings, reviews v1, v2, v3. Returns once every mesh runs on rules from
     * the control plane that place each service where it listens.
     *
     * @param token the control plane's bearer token; {@code null} for none
     * @param seed the seed of every mesh's weighted picks; {@code null} for unseeded picks
     * @param timeout how long to wait for the rules
     * @throws IllegalStateException when a port is taken, no rules arrive within {@code timeout}, or
     *     the rules place a service elsewhere (the message says what the rules must hold)
     */
    public static Bookinfo fromControlPlane(List<URI> urls, String token, int basePort, Long seed, Duration timeout) {
        requireBasePort(basePort);
        Json.warmUp();
        ControlPlaneConfigSource.Options options = ControlPlaneConfigSource.Options.defaults();
        if (token != null) {
            options = options.bearerToken(token);
        }
        List<Instance> instances = new ArrayList<>();
        try {
            for (Workload workload : WORKLOADS) {
                Mesh mesh = mesh(ControlPlaneConfigSource.connect(urls, identity(workload), options), seed, workload);
                instances.add(instance(mesh, basePort + workload.offset(), workload));
            }
            // Each mesh owns its connection and closes it.
            Bookinfo bookinfo = new Bookinfo(() -> { }, instances);
            awaitRules(bookinfo, urls, timeout);
            String misplaced = misplaced(instances);
            if (misplaced != null) {
                throw new IllegalStateException(misplaced);
            }
            return bookinfo;
        } catch (RuntimeException e) {
            closeAll(instances, () -> { });
            throw e;
        }
    }

    /** Throws when {@code basePort} leaves no room for the six ports. */
    static void requireBasePort(int basePort) {
        int highest = 65535 - (WORKLOADS.size() - 1);
        if (basePort < 1 || basePort > highest) {
            throw new IllegalArgumentException("base port " + basePort + " (expected 1.." + highest + ")");
        }
    }

    private static void awaitRules(Bookinfo bookinfo, List<URI> urls, Duration timeout) {
        try {
            Flux.fromIterable(bookinfo.meshes()).flatMap(Mesh::ready).then().block(timeout);
        } catch (IllegalStateException e) {
            List<String> waiting = bookinfo.instances.stream().filter(i -> i.mesh().rulesStatus().version() == null)
                    .map(i -> i.mesh().workload().name()).toList();
            throw new IllegalStateException("no rules from the control plane at " + String.join(", ", urls.stream().map(URI::toString).toList())
                    + " within " + timeout.toSeconds() + " s for " + String.join(", ", waiting) + " (expected a control plane"
                    + " serving valid rules there, such as: bin/mesh control-plane --rules DIR; and --token-file when it requires a token)");
        }
    }

    /**
     * Why the rules in force do not place every instance where it listens, naming the rules they
     * should hold; {@code null} when they do. Asked of every mesh, since each routes its own calls.
     */
    static String misplaced(List<Instance> instances) {
        List<String> problems = new ArrayList<>();
        for (Instance caller : instances) {
            ServiceRegistry registry = caller.mesh().snapshot().require(ServiceRegistry.class);
            for (Instance callee : instances) {
                List<Endpoint> endpoints = registry.endpoints(Hosts.resolve(callee.app(), NAMESPACE), SERVICE_PORT,
                        Map.of("version", callee.version()));
                boolean found = endpoints.stream().anyMatch(endpoint -> endpoint.address().equals("127.0.0.1")
                        && endpoint.port(SERVICE_PORT) == callee.server().port());
                if (!found) {
                    String problem = callee.app() + " " + callee.version() + " listens on 127.0.0.1:" + callee.server().port()
                            + ", but the rules " + caller.mesh().workload().name() + " runs on place it "
                            + (endpoints.isEmpty() ? "nowhere" : "at " + String.join(", ", endpoints.stream()
                                    .map(endpoint -> endpoint.address() + ":" + endpoint.port(SERVICE_PORT)).toList()));
                    if (problems.stream().noneMatch(known -> known.startsWith(callee.app() + " " + callee.version() + " "))) {
                        problems.add(problem);
                    }
                }
            }
        }
        if (problems.isEmpty()) {
            return null;
        }
        int basePort = instances.get(0).server().port();
        return "the control plane's rules do not describe the services where they listen:\n  " + String.join("\n  ", problems)
                + "\n(expected the ServiceEntries and WorkloadEntries of examples/bookinfo/control-plane/services.yaml"
                + (basePort == DEFAULT_BASE_PORT ? "" : ", with the ports from " + basePort + " on,") + " in the control plane's"
                + " rules directory)";
    }

    private static LocalWorkload identity(Workload workload) {
        return LocalWorkload.of(workload.name(), NAMESPACE, Map.of("app", workload.app(), "version", workload.version()));
    }

    private static Instance instance(Mesh mesh, int port, Workload workload) {
        try {
            return new Instance(workload.app(), workload.version(), mesh, mesh.server(workload.handler().apply(mesh)).port(port).bind());
        } catch (RuntimeException e) {
            mesh.close();
            if (port == 0) {
                throw e;
            }
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + port + " for " + workload.app() + " " + workload.version()
                    + " (" + cause.getMessage() + "); expected the six ports from the base port on to be free: choose another"
                    + " base port, and the same ports in services.yaml", e);
        }
    }

    private static Mesh mesh(ConfigSource source, Long seed, Workload workload) {
        Mesh.Builder builder = Mesh.builder().workload(identity(workload)).configSource(source);
        if (seed != null) {
            // Replaces the routing extension found on the class path. java.util.Random is thread-safe,
            // and single-destination routes draw nothing, so a seed fixes how many requests each
            // subset gets, whatever the order in which concurrent requests draw.
            Random random = new Random(seed);
            builder.extension(new RoutingExtension(() -> random));
        }
        // With INMESH_PROMETHEUS_PORT set, every workload's metrics at one http://127.0.0.1:PORT/metrics.
        MeshTelemetry.prometheusFromEnvironment().ifPresent(telemetry -> builder.extension(telemetry.tracing(false).build()));
        return builder.build();
    }

    private static RulesDirectory.Applied apply(RulesDirectory rules, List<RulesDirectory.RuleText> texts) throws IOException {
        RulesDirectory.Applied applied = rules.apply(texts);
        if (!applied.accepted()) {
            throw new IllegalStateException("the built-in rules are invalid:\n" + String.join("\n",
                    applied.diagnostics().stream().map(Diagnostic::format).toList()));
        }
        return applied;
    }

    /** One of Istio's Bookinfo rule files, unchanged, from the class path. */
    public static RulesDirectory.RuleText istioRules(String fileName) {
        String resource = ISTIO_RULES + fileName;
        try (InputStream in = Bookinfo.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no bundled Istio rule file " + fileName + " (expected one of "
                        + String.join(", ", bundledRuleFiles()) + ")");
            }
            return new RulesDirectory.RuleText(fileName, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** Whether {@code fileName} is one of the bundled Istio rule files. */
    public static boolean isBundled(String fileName) {
        return bundledRuleFiles().contains(fileName);
    }

    /**
     * The Istio rule files bundled with the demo: Istio's Bookinfo samples, unchanged, and
     * ({@code task-*.yaml}) the rules Istio's task pages give inline, each naming its page.
     */
    public static List<String> bundledRuleFiles() {
        return List.of("destination-rule-all.yaml", "virtual-service-all-v1.yaml", "virtual-service-reviews-90-10.yaml",
                "virtual-service-reviews-80-20.yaml", "virtual-service-reviews-jason-v2-v3.yaml",
                "virtual-service-reviews-50-v3.yaml", "virtual-service-reviews-test-v2.yaml",
                "virtual-service-ratings-test-delay.yaml", "virtual-service-ratings-test-abort.yaml",
                "task-request-timeouts-reviews-v2.yaml", "task-request-timeouts-ratings-delay.yaml",
                "task-request-timeouts-reviews-timeout.yaml", "task-circuit-breaking-details.yaml");
    }

    /**
     * The services as the mesh's registry reads them. ServiceEntry hosts are taken as written, as
     * Istio takes them (it does not qualify them with the namespace), so they are written fully
     * qualified: that is the name VirtualServices and DestinationRules resolve {@code reviews} to.
     * The port is mapped by name: each WorkloadEntry serves the service's port 9080, named
     * {@code http}, at the port its server bound.
     */
    static String servicesYaml(List<Placement> instances) {
        StringBuilder yaml = new StringBuilder();
        List<String> apps = instances.stream().map(Placement::app).distinct().toList();
        for (String app : apps) {
            yaml.append("""
                    apiVersion: networking.istio.io/v1
                    kind: ServiceEntry
                    metadata:
                      name: %1$s
                    spec:
                      hosts:
                      - %2$s
                      location: MESH_INTERNAL
                      ports:
                      - number: %3$d
                        name: http
                        protocol: HTTP
                      resolution: STATIC
                      workloadSelector:
                        labels:
                          app: %1$s
                    ---
                    """.formatted(app, Hosts.resolve(app, NAMESPACE), SERVICE_PORT));
        }
        for (Placement instance : instances) {
            yaml.append("""
                    apiVersion: networking.istio.io/v1
                    kind: WorkloadEntry
                    metadata:
                      name: %1$s-%2$s
                    spec:
                      address: 127.0.0.1
                      ports:
                        http: %3$d
                      labels:
                        app: %1$s
                        version: %2$s
                      serviceAccount: bookinfo-%1$s
                    ---
                    """.formatted(instance.app(), instance.version(), instance.port()));
        }
        return yaml.toString();
    }

    /**
     * The ServiceEntries and WorkloadEntries of {@link #fromControlPlane} with servers from
     * {@code basePort} on; for {@link #DEFAULT_BASE_PORT}, the shipped
     * {@code examples/bookinfo/control-plane/services.yaml} holds them.
     */
    public static String servicesYaml(int basePort) {
        requireBasePort(basePort);
        return servicesYaml(WORKLOADS.stream().map(w -> new Placement(w.app(), w.version(), basePort + w.offset())).toList());
    }

    /** The running service instances, productpage first. */
    public List<Instance> instances() {
        return instances;
    }

    /** Every service instance's mesh. */
    public List<Mesh> meshes() {
        return instances.stream().map(Instance::mesh).toList();
    }

    /** The mesh of the first instance of {@code app}. */
    public Mesh mesh(String app) {
        return instances.stream().filter(instance -> instance.app().equals(app)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + app)).mesh();
    }

    /** The port the product page listens on. */
    public int productPagePort() {
        return instances.get(0).server().port();
    }

    /** Stops the servers and the meshes, then the watcher; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeAll(instances, afterMeshes);
        }
    }

    private static void closeAll(List<Instance> instances, AutoCloseable afterMeshes) {
        for (Instance instance : instances) {
            instance.server().close();
        }
        for (Instance instance : instances) {
            instance.mesh().close();
        }
        try {
            afterMeshes.close();
        } catch (Exception e) {
            System.err.println("bookinfo-demo: could not close " + afterMeshes + ": " + e);
        }
    }

    /** One source shared by several meshes: a mesh that closes leaves it open for the others. */
    private static final class SharedSource implements ConfigSource {
        private final ConfigSource source;

        SharedSource(ConfigSource source) {
            this.source = Objects.requireNonNull(source, "source");
        }

        @Override
        public Flux<MeshConfig.LoadResult> updates() {
            return source.updates();
        }

        @Override
        public String describe() {
            return source.describe();
        }

        @Override
        public void close() {
            // The owner, Bookinfo, closes the source itself after the last mesh.
        }
    }
}
