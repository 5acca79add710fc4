package io.inmesh.routing.internal;

import io.inmesh.core.registry.Endpoint;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One endpoint of a cluster as the load balancer sees it: its {@code address:port} key, where to
 * connect, its weight, and the activity that outlives snapshots (shared by every host set that has
 * the same key, while the cluster's policy stays the same).
 *
 * @param key {@code address:port}, the identity of the endpoint in ejections, slow start and request counts
 * @param address the address to connect to
 * @param port the endpoint's port for the cluster's service port
 * @param weight the endpoint's load-balancing weight, at least 1
 * @param activity what the endpoint is doing, shared across snapshots
 */
record UpstreamHost(String key, String address, int port, int weight, Activity activity) {

    static String key(Endpoint endpoint, int port) {
        String address = endpoint.address();
        return (address.indexOf(':') >= 0 && !endpoint.isUnixSocket() ? "[" + address + "]" : address) + ":" + port;
    }

    /**
     * What one endpoint is doing, kept per {@code address:port} in the cluster's state: when it was
     * first seen (slow start counts from there, as Envoy counts from the host's creation), and how
     * many requests it has under way (least request compares them).
     */
    static final class Activity {

        private final long firstSeenNanos;
        private final AtomicInteger activeRequests = new AtomicInteger();

        Activity(long firstSeenNanos) {
            this.firstSeenNanos = firstSeenNanos;
        }

        long firstSeenNanos() {
            return firstSeenNanos;
        }

        int activeRequests() {
            return activeRequests.get();
        }

        void requestStarted() {
            activeRequests.incrementAndGet();
        }

        void requestFinished() {
            activeRequests.decrementAndGet();
        }
    }
}
