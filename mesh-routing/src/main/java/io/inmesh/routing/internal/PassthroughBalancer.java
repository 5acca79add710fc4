package io.inmesh.routing.internal;

/**
 * {@code PASSTHROUGH}: no endpoint of the registry is chosen; the request goes to the address the
 * application called, as Envoy's original-destination cluster forwards a connection to where it was
 * headed. The endpoint step reads {@link #passthrough()}.
 */
final class PassthroughBalancer extends LoadBalancer {

    PassthroughBalancer(RoutingRuntime runtime, OutlierDetector outliers) {
        super(runtime, outliers);
    }

    @Override
    boolean passthrough() {
        return true;
    }

    @Override
    Selector selector(UpstreamHost[] candidates) {
        throw new IllegalStateException("a passthrough cluster does not pick endpoints");
    }
}
