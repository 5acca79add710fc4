package io.inmesh.routing.internal;

import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.model.ConsistentHashLb;
import io.inmesh.core.model.LoadBalancerSettings;
import io.inmesh.core.model.OutlierDetection;
import io.inmesh.core.registry.Endpoint;
import io.inmesh.routing.ClusterPolicy;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Test fixtures for balancers and outlier detection: a seeded random, a fake clock, endpoints on 10.0.0.x. */
final class Balancers {

    static final int SERVICE_PORT = 9080;

    final Random random = new Random(42);
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final RoutingRuntime runtime = new RoutingRuntime(() -> random, clock::get);

    void advance(long amount, TimeUnit unit) {
        clock.addAndGet(unit.toNanos(amount));
    }

    static List<Endpoint> endpoints(int count) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            endpoints.add(endpoint(i, 1));
        }
        return List.copyOf(endpoints);
    }

    static Endpoint endpoint(int number, int weight) {
        return Endpoint.builder("10.0.0." + number).port(SERVICE_PORT, 8080).weight(weight).build();
    }

    static String key(int number) {
        return "10.0.0." + number + ":8080";
    }

    static ClusterPolicy policy(LoadBalancerSettings loadBalancer, OutlierDetection outliers) {
        return new ClusterPolicy("reviews.bookinfo.svc.cluster.local||9080", "bookinfo/reviews", loadBalancer, null, outliers, null, null);
    }

    static LoadBalancerSettings simple(LoadBalancerSettings.SimpleLb simple) {
        return new LoadBalancerSettings(simple, null, null, null, null);
    }

    static LoadBalancerSettings hashOnHeader(String header, ConsistentHashLb.MagLev maglev) {
        return new LoadBalancerSettings(null, new ConsistentHashLb(header, null, null, null, null, maglev, null), null, null, null);
    }

    LoadBalancer balancer(LoadBalancerSettings settings) {
        ClusterPolicy policy = policy(settings, null);
        return LoadBalancer.of(policy, runtime, new OutlierDetector(policy, runtime));
    }

    static MeshRequest get(String header, String value) {
        MeshRequest.Builder builder = MeshRequest.builder(HttpMethod.GET, "http://reviews:9080/reviews/1");
        if (header != null) {
            builder.header(header, value);
        }
        return builder.build();
    }

    static String pick(LoadBalancer balancer, List<Endpoint> endpoints, MeshRequest request) {
        return balancer.pick(endpoints, SERVICE_PORT, request, "bookinfo/productpage-v1", null).host().key();
    }

    /** Whether {@code count} of {@code n} draws is within the two-sided 99.9 % binomial interval around {@code p} (normal approximation). */
    static boolean withinBinomial(long count, long n, double p) {
        double mean = n * p;
        double sd = Math.sqrt(n * p * (1 - p));
        return Math.abs(count - mean) <= 3.29 * sd;
    }

    private Balancers() {
    }

    static Balancers create() {
        return new Balancers();
    }
}
