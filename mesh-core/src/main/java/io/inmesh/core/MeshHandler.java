package io.inmesh.core;

import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import reactor.core.publisher.Mono;

/**
 * An application's request handler behind a {@link MeshServer}. It must not block: it runs on an
 * event-loop thread. The caller's identity, where known, is the request's
 * {@link io.inmesh.core.http.PeerIdentity#KEY} attribute.
 */
@FunctionalInterface
public interface MeshHandler {

    Mono<MeshResponse> handle(MeshRequest request);
}
