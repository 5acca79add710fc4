package io.inmesh.benchmarks.config;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.registry.ServiceRegistry;
import io.inmesh.core.spi.SnapshotCompiler;
import io.inmesh.routing.RoutingExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reading a new rule set as a mesh does when its source delivers one: {@link MeshConfig#load}
 * (YAML parse, binding, validation, cross-resource checks) of {@code resources} generated Istio
 * resources in one text, then the snapshot's compilation: the service registry and the routing
 * module's compilers (route table, cluster catalog), as {@code Mesh} runs them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ConfigCompile {

    @Param({"1000", "10000"})
    public int resources;

    private String yaml;
    private List<SnapshotCompiler<?>> compilers;
    private final LocalWorkload workload = LocalWorkload.of("frontend-v1", "team-0", Map.of("app", "frontend", "version", "v1"));

    @Setup
    public void generate() {
        yaml = GeneratedRules.yaml(resources);
        compilers = new RoutingExtension().snapshotCompilers();
        MeshConfig.LoadResult loaded = MeshConfig.load("rules.yaml", yaml);
        if (!loaded.isValid() || loaded.config().resources().size() != resources / 3 * 3) {
            throw new IllegalStateException("generated rules: " + loaded.config().resources().size() + " resources, "
                    + loaded.diagnostics().stream().limit(5).toList());
        }
    }

    @Benchmark
    public void loadAndCompile(Blackhole blackhole) {
        MeshConfig.LoadResult loaded = MeshConfig.load("rules.yaml", yaml);
        if (!loaded.isValid()) {
            throw new IllegalStateException("invalid: " + loaded.errorCount() + " errors");
        }
        MeshConfig config = loaded.config();
        blackhole.consume(ServiceRegistry.compile(config));
        for (SnapshotCompiler<?> compiler : compilers) {
            blackhole.consume(compiler.compile(config, workload));
        }
    }
}
