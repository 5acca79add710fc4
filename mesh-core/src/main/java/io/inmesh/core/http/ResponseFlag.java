package io.inmesh.core.http;

/**
 * Why the mesh, rather than the upstream, shaped a response: Envoy's response flags, with the same
 * short names, so that access logs and dashboards built for Istio read the same.
 */
public enum ResponseFlag {
    /** No route matched the request (404), or egress to an unknown host was blocked (502). */
    NR("no route"),
    /** No healthy upstream endpoint (503). */
    UH("no healthy upstream"),
    /** The connection to the upstream failed (503). */
    UF("upstream connection failure"),
    /** The upstream reset or closed the connection before responding (503). */
    UC("upstream connection termination"),
    /** The upstream did not answer in time (504). */
    UT("upstream request timeout"),
    /** A circuit breaker or pending-request limit refused the request (503). */
    UO("upstream overflow"),
    /** The route's destination cluster does not exist (503). */
    NC("no cluster"),
    /** The mesh injected a delay. */
    DI("delay injected"),
    /** The mesh injected an abort. */
    FI("fault injected"),
    /** Retries were exhausted. */
    URX("upstream retry limit exceeded");

    private final String description;

    ResponseFlag(String description) {
        this.description = description;
    }

    /** What the flag means, in a few words. */
    public String description() {
        return description;
    }
}
