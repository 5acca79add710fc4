package io.inmesh.examples.bookinfo;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.MeshHandler;
import io.inmesh.core.MeshServer;
import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.Hosts;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.Resource;
import io.inmesh.core.source.ConfigSource;
import io.inmesh.core.source.FileConfigSource;
import io.inmesh.routing.RoutingExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
 */
public final class Bookinfo implements AutoCloseable {

    /** The namespace of every workload; Istio's Bookinfo rules name none, which is {@code default}. */
    public static final String NAMESPACE = "default";
    /** The port every Bookinfo service is called on, as in Istio's sample. */
    public static final int SERVICE_PORT = 9080;
    /** Where the unchanged Istio rules are on the class path. */
    public static final String ISTIO_RULES = "bookinfo/istio/";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    /** One running instance: a version of a service, its mesh and its server. */
    public record Instance(String app, String version, Mesh mesh, MeshServer server) {
    }

    private final ConfigSource source;
    private final List<Instance> instances;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Bookinfo(ConfigSource source, List<Instance> instances) {
        this.source = source;
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
            instances.add(instance(shared, seed, "productpage", "v1", mesh -> new ProductPage(mesh.client())));
            instances.add(instance(shared, seed, "details", "v1", mesh -> new Details()));
            instances.add(instance(shared, seed, "ratings", "v1", mesh -> new Ratings()));
            instances.add(instance(shared, seed, "reviews", "v1", mesh -> new Reviews("v1", Reviews.Stars.NONE, mesh.client())));
            instances.add(instance(shared, seed, "reviews", "v2", mesh -> new Reviews("v2", Reviews.Stars.BLACK, mesh.client())));
            instances.add(instance(shared, seed, "reviews", "v3", mesh -> new Reviews("v3", Reviews.Stars.RED, mesh.client())));
            Bookinfo bookinfo = new Bookinfo(watcher, instances);
            RulesDirectory.Applied services = apply(rules, List.of(new RulesDirectory.RuleText("bookinfo-services.yaml",
                    servicesYaml(instances))));
            List<Resource<?>> expected = new ArrayList<>(destinationRules.resources());
            expected.addAll(services.resources());
            RulesDirectory.inForce(bookinfo.meshes(), expected, START_TIMEOUT).block();
            return bookinfo;
        } catch (IOException | RuntimeException e) {
            closeAll(instances, watcher);
            throw e;
        }
    }

    private static Instance instance(ConfigSource source, Long seed, String app, String version, Function<Mesh, MeshHandler> handler) {
        Mesh mesh = mesh(source, seed, LocalWorkload.of(app + "-" + version, NAMESPACE, Map.of("app", app, "version", version)));
        try {
            return new Instance(app, version, mesh, mesh.server(handler.apply(mesh)).port(0).bind());
        } catch (RuntimeException e) {
            mesh.close();
            throw e;
        }
    }

    private static Mesh mesh(ConfigSource source, Long seed, LocalWorkload workload) {
        Mesh.Builder builder = Mesh.builder().workload(workload).configSource(source);
        if (seed != null) {
            // Replaces the routing extension found on the class path. java.util.Random is thread-safe,
            // and single-destination routes draw nothing, so a seed fixes how many requests each
            // subset gets, whatever the order in which concurrent requests draw.
            Random random = new Random(seed);
            builder.extension(new RoutingExtension(() -> random));
        }
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
    static String servicesYaml(List<Instance> instances) {
        StringBuilder yaml = new StringBuilder();
        List<String> apps = instances.stream().map(Instance::app).distinct().toList();
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
        for (Instance instance : instances) {
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
                    """.formatted(instance.app(), instance.version(), instance.server().port()));
        }
        return yaml.toString();
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
            closeAll(instances, source);
        }
    }

    private static void closeAll(List<Instance> instances, ConfigSource source) {
        for (Instance instance : instances) {
            instance.server().close();
        }
        for (Instance instance : instances) {
            instance.mesh().close();
        }
        source.close();
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
