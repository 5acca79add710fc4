package io.inmesh.routing.it;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.MeshHandler;
import io.inmesh.core.MeshServer;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.PeerIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * One instance of an upstream service, such as {@code reviews-v1-a}: a workload with its own
 * {@link Mesh} and a real {@link MeshServer} on 127.0.0.1 and a free port. By default it answers
 * every request with 200 and its own name as the body (and in {@code x-served-by}), so a test can
 * tell which instance served a call; it records what it saw of each request.
 */
final class UpstreamWorkload implements AutoCloseable {

    /** What the server saw of one request, after the server stack. */
    record Seen(String method, String authority, String pathAndQuery, HttpHeaders headers, PeerIdentity peer) {
    }

    private final String name;
    private final Map<String, String> labels;
    private final Mesh mesh;
    private final MeshServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();

    private UpstreamWorkload(String name, Map<String, String> labels, Function<UpstreamWorkload, MeshHandler> handler) {
        this.name = name;
        this.labels = Map.copyOf(labels);
        this.mesh = Mesh.builder().workload(LocalWorkload.of(name, "bookinfo", labels)).build();
        MeshHandler answer = handler.apply(this);
        this.server = mesh.server(request -> {
            requests.incrementAndGet();
            seen.add(new Seen(request.method().name(), request.authority(), request.pathAndQuery(), request.headers(),
                    request.attribute(PeerIdentity.KEY)));
            return answer.handle(request);
        }).bind();
    }

    /** An instance of {@code app} at {@code version} that answers with its name. */
    static UpstreamWorkload start(String name, String app, String version) {
        return start(name, app, version, self -> self::answerWithName);
    }

    /** An instance whose answers come from {@code handler}; it may use the instance it is given. */
    static UpstreamWorkload start(String name, String app, String version, Function<UpstreamWorkload, MeshHandler> handler) {
        return new UpstreamWorkload(name, Map.of("app", app, "version", version), handler);
    }

    Mono<MeshResponse> answerWithName(MeshRequest request) {
        return request.body().doOnNext(ByteBuf::release).then(Mono.fromSupplier(() -> {
            MeshResponse response = MeshResponse.text(200, name);
            response.headers().set("x-served-by", name);
            return response;
        }));
    }

    String name() {
        return name;
    }

    String app() {
        return labels.get("app");
    }

    String version() {
        return labels.get("version");
    }

    int port() {
        return server.port();
    }

    Mesh mesh() {
        return mesh;
    }

    /** How many requests reached this instance. */
    int requests() {
        return requests.get();
    }

    /** The requests this instance saw, oldest first. */
    List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** A WorkloadEntry for this instance: its labels, 127.0.0.1, and its real port as the service port named {@code http}. */
    String workloadEntry() {
        return Yaml.workloadEntry(name, app(), version(), port());
    }

    @Override
    public void close() {
        server.close();
        mesh.close();
    }
}
