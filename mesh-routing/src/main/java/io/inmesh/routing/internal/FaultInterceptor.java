package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.spi.MeshInterceptor;
import io.inmesh.routing.RouteDecision;
import io.inmesh.routing.RoutePolicy;
import io.inmesh.routing.RoutingAttributes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The fault step: injects the matched route's {@code fault} as Envoy's fault filter does, and only
 * into requests that matched that route. First the delay: a share of requests waits
 * {@code fixedDelay} (a timer on Reactor's parallel scheduler, never a blocked thread) and is flagged
 * {@code DI}. Then, independently drawn, the abort: a share of requests is answered here with the
 * configured status and Envoy's body {@code fault filter abort}, flagged {@code FI}, and never reaches
 * the upstream.
 *
 * <p>A delay comes before the route's timeout, as Envoy's fault filter runs before its router: the
 * injected wait does not count against {@code timeout}. Decisions draw from the injected random
 * source, so a seeded one makes them reproducible.
 *
 * <p>gRPC, as Envoy answers it: an abort with {@code grpcStatus} is HTTP 200; a gRPC request
 * ({@code content-type: application/grpc…}) gets its answer as gRPC, with {@code grpc-status} (the
 * configured one, or the HTTP status mapped as Envoy maps it) and {@code grpc-message} headers.
 */
public final class FaultInterceptor implements MeshInterceptor {

    /** The body, and gRPC message, of an injected abort: Envoy's words. */
    static final String ABORT_MESSAGE = "fault filter abort";

    private final RoutingRuntime runtime;

    /** @param runtime the source of the delay and abort draws */
    public FaultInterceptor(RoutingRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Mono<MeshResponse> intercept(MeshRequest request, Chain chain) {
        RouteDecision decision = request.attribute(RoutingAttributes.DECISION);
        RoutePolicy.Fault fault = decision == null ? null : decision.policy().fault();
        if (fault == null) {
            return chain.proceed(request);
        }
        if (fault.delays(runtime.rng())) {
            return Mono.delay(fault.delay(), Schedulers.parallel())
                    .then(Mono.defer(() -> abortOrProceed(fault, request, chain, true)));
        }
        return abortOrProceed(fault, request, chain, false);
    }

    /** After the delay (if any), Envoy decides the abort, drawn independently of the delay. */
    private Mono<MeshResponse> abortOrProceed(RoutePolicy.Fault fault, MeshRequest request, Chain chain, boolean delayed) {
        if (fault.aborts(runtime.rng())) {
            discardBody(request);
            MeshResponse response = abort(fault, request, delayed);
            return Mono.just(response);
        }
        Mono<MeshResponse> response = chain.proceed(request);
        return delayed ? response.map(upstream -> upstream.withFlag(ResponseFlag.DI)) : response;
    }

    /** The local answer of an abort, as Envoy's fault filter sends it with {@code sendLocalReply}. */
    static MeshResponse abort(RoutePolicy.Fault fault, MeshRequest request, boolean delayed) {
        // Envoy: an httpStatus abort answers with that status; a grpcStatus abort answers HTTP 200.
        int status = fault.abortStatus() > 0 ? fault.abortStatus() : 200;
        HttpHeaders headers = new DefaultHttpHeaders();
        if (isGrpc(request)) {
            int grpcStatus = fault.abortGrpcStatus() >= 0 ? fault.abortGrpcStatus() : grpcStatusOf(status);
            headers.set(HttpHeaderNames.CONTENT_TYPE, "application/grpc")
                    .setInt("grpc-status", grpcStatus)
                    .set("grpc-message", ABORT_MESSAGE)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            return flagged(MeshResponse.of(200, headers, Flux.empty()), delayed);
        }
        // A plain HTTP request with a grpcStatus abort gets 200 and the text body, as from Envoy.
        byte[] body = ABORT_MESSAGE.getBytes(StandardCharsets.UTF_8);
        headers.set(HttpHeaderNames.CONTENT_TYPE, "text/plain").setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return flagged(MeshResponse.of(status, headers, Flux.defer(() -> Flux.just(Unpooled.wrappedBuffer(body)))), delayed);
    }

    /** {@code FI}, after {@code DI} when the abort came after a delay, in the order Envoy's access log lists them. */
    private static MeshResponse flagged(MeshResponse response, boolean delayed) {
        return (delayed ? response.withFlag(ResponseFlag.DI) : response).withFlag(ResponseFlag.FI);
    }

    /** Whether the request is gRPC, as Envoy tells: its content type is {@code application/grpc} or {@code application/grpc+…}. */
    static boolean isGrpc(MeshRequest request) {
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.equals("application/grpc") || type.startsWith("application/grpc+") || type.startsWith("application/grpc;");
    }

    /** Envoy's mapping of the HTTP status of a local reply to a gRPC request onto a gRPC status. */
    static int grpcStatusOf(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> 13; // INTERNAL
            case 401 -> 16; // UNAUTHENTICATED
            case 403 -> 7; // PERMISSION_DENIED
            case 404 -> 12; // UNIMPLEMENTED
            case 429, 502, 503, 504 -> 14; // UNAVAILABLE
            default -> 2; // UNKNOWN
        };
    }

    /**
     * The body of an aborted request is never sent; read and release it in the background, as Envoy
     * reads and drops the rest of an answered request, so that its buffers do not leak.
     */
    private static void discardBody(MeshRequest request) {
        if (request.hasBody()) {
            request.body().subscribe(ByteBuf::release, error -> { });
        }
    }
}
