package io.inmesh.core.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How the transport makes and keeps connections to one upstream cluster: the connection settings of
 * a DestinationRule's {@code connectionPool}, with Istio's defaults where the rule says nothing.
 * Clusters with equal policies share a connection pool.
 *
 * @param connectTimeout how long a TCP connect may take ({@code tcp.connectTimeout}; Istio: 10 s)
 * @param idleTimeout how long an unused connection is kept ({@code http.idleTimeout}, else
 *     {@code tcp.idleTimeout}; Istio: 1 h)
 * @param maxRequestsPerConnection requests a connection carries before it is closed; 0 for no limit
 *     ({@code http.maxRequestsPerConnection})
 */
public record ConnectionPolicy(Duration connectTimeout, Duration idleTimeout, int maxRequestsPerConnection) {

    /** Istio's defaults: connect within 10 s, keep idle connections for 1 h, no request limit. */
    public static final ConnectionPolicy DEFAULT = new ConnectionPolicy(Duration.ofSeconds(10), Duration.ofHours(1), 0);

    public ConnectionPolicy {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout " + connectTimeout + " (expected > 0)");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout " + idleTimeout + " (expected > 0)");
        }
        if (maxRequestsPerConnection < 0) {
            throw new IllegalArgumentException("maxRequestsPerConnection " + maxRequestsPerConnection + " (expected >= 0)");
        }
    }
}
