package io.inmesh.benchmarks.chain;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.spi.ClientStage;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole outbound chain without the network: one call through every step of the client stack,
 * the endpoint pick included (load balancing over the subset's endpoints, outlier detection's
 * accounting, the upstream's request count), answered with 1 KiB right after it by an interceptor
 * added at {@link ClientStage#ENDPOINT} (interceptors of one stage run in the order added, so it
 * follows the routing module's), in place of the wire. Same rules and call as
 * {@link TelemetryOverhead}, which stops one step earlier.
 *
 * <p>{@code telemetry}: {@code off}, or {@code all-sampled} (metrics and a sampled trace for every
 * call, as a user who turns telemetry on runs it; nothing exported).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class OutboundChain {

    @Param({"off", "all-sampled"})
    public String telemetry;

    private Mesh mesh;
    private ChainTelemetry telemetrySetup;

    @Setup(Level.Trial)
    public void start() {
        telemetrySetup = ChainTelemetry.of(telemetry);
        mesh = telemetrySetup.mesh(LocalWorkload.of("productpage-v1", "bookinfo", Map.of("app", "productpage", "version", "v1")))
                .clientInterceptor(ClientStage.ENDPOINT, "answer", ChainRules.answer())
                .build();
        mesh.ready().block();
        int last = mesh.clientStack().size() - 1;
        if (!mesh.clientStack().get(last).equals("answer") || !mesh.clientStack().get(last - 1).contains("endpoint")) {
            throw new IllegalStateException("the answer must follow the endpoint pick: " + mesh.clientStack());
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        mesh.close();
        telemetrySetup.close();
    }

    @Benchmark
    public int call() {
        return ChainRules.call(mesh);
    }
}
