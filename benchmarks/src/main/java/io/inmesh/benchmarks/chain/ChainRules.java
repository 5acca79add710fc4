package io.inmesh.benchmarks.chain;

import io.inmesh.core.Mesh;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.spi.MeshInterceptor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The rule set the chain benchmarks route by (what a user of Istio would run, not a toy), the call
 * they make and the 1 KiB answer that stands in for the upstream.
 */
public final class ChainRules {

    private static final byte[] BODY = "x".repeat(1024).getBytes(StandardCharsets.UTF_8);

    private ChainRules() {
    }

    /** A 200 with a 1 KiB text body, once the request body has been read (and released). */
    static Mono<MeshResponse> respond(Flux<ByteBuf> requestBody) {
        return requestBody.doOnNext(ByteBuf::release)
                .then(Mono.fromSupplier(() -> MeshResponse.of(200, new DefaultHttpHeaders().set("content-type", "text/plain"),
                        Flux.just(Unpooled.wrappedBuffer(BODY)))));
    }

    /** An interceptor that answers in place of the rest of the stack and the wire. */
    static MeshInterceptor answer() {
        return (request, chain) -> respond(request.body());
    }

    /**
     * One call through {@code mesh}'s client stack with the header that the rules route to subset v2
     * (90 %) or v3; its body read to the end, which is when telemetry reports the call.
     */
    static int call(Mesh mesh) {
        MeshResponse response = mesh.client().get("http://reviews.bookinfo.svc.cluster.local:9080/reviews/0")
                .header("end-user", "jason").exchange().block();
        return readBody(response);
    }

    /** Reads and releases the body; returns its length. */
    static int readBody(MeshResponse response) {
        int length = 0;
        for (ByteBuf buffer : response.body().collectList().block()) {
            length += buffer.readableBytes();
            buffer.release();
        }
        return length;
    }

    /** Bookinfo's reviews service with endpoints v1, v2 and v3 on 127.0.0.1 ports 19083, 19084, 19085. */
    public static final String YAML = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              hosts:
              - reviews.bookinfo.svc.cluster.local
              location: MESH_INTERNAL
              ports:
              - number: 9080
                name: http
                protocol: HTTP
              resolution: STATIC
              endpoints:
              - address: 127.0.0.1
                ports:
                  http: 19083
                labels:
                  app: reviews
                  version: v1
              - address: 127.0.0.1
                ports:
                  http: 19084
                labels:
                  app: reviews
                  version: v2
              - address: 127.0.0.1
                ports:
                  http: 19085
                labels:
                  app: reviews
                  version: v3
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              host: reviews.bookinfo.svc.cluster.local
              trafficPolicy:
                connectionPool:
                  tcp:
                    maxConnections: 100
                  http:
                    http1MaxPendingRequests: 1000
                    http2MaxRequests: 1000
                outlierDetection:
                  consecutive5xxErrors: 5
                  interval: 10s
                  baseEjectionTime: 30s
              subsets:
              - name: v1
                labels:
                  version: v1
              - name: v2
                labels:
                  version: v2
              - name: v3
                labels:
                  version: v3
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              hosts:
              - reviews.bookinfo.svc.cluster.local
              http:
              - name: jason
                match:
                - headers:
                    end-user:
                      exact: jason
                route:
                - destination:
                    host: reviews.bookinfo.svc.cluster.local
                    subset: v2
                  weight: 90
                - destination:
                    host: reviews.bookinfo.svc.cluster.local
                    subset: v3
                  weight: 10
              - name: default
                route:
                - destination:
                    host: reviews.bookinfo.svc.cluster.local
                    subset: v1
            """;

    /** {@link #YAML} with the endpoints of v1, v2 and v3 on other ports. */
    public static String withPorts(int v1, int v2, int v3) {
        return YAML.replace("http: 19083", "http: " + v1).replace("http: 19084", "http: " + v2).replace("http: 19085", "http: " + v3);
    }
}
