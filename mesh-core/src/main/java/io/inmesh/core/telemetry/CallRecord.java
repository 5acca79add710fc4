package io.inmesh.core.telemetry;

import io.inmesh.core.http.AttributeKey;
import io.inmesh.core.http.PeerIdentity;
import io.inmesh.core.http.Upstream;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the steps of one call learn about it, for the telemetry of the whole call: the telemetry
 * step puts one on the request ({@link #KEY}) as the call enters the stack, the steps after it fill
 * it in as they decide (the route step: which VirtualService route and destination; the wire step:
 * each upstream request and who answered), and the telemetry step reads it when the call ends.
 *
 * <p>A request's attributes flow inward only, since every step passes on a new request; this
 * record is how what the inner steps decided reaches the outer one. Written by one step at a time
 * (a call's steps run one after the other, perhaps on different threads), read after; fields are
 * volatile so that each write is seen.
 */
public final class CallRecord {

    /** The attribute the telemetry step sets; absent when no telemetry runs. */
    public static final AttributeKey<CallRecord> KEY = AttributeKey.of("inmesh-call-record", CallRecord.class);

    /** Which way the call goes, as Istio's {@code reporter} label tells: source for outbound, destination for inbound. */
    public enum Direction {
        /** A call this workload makes through its {@code MeshClient}. */
        OUTBOUND,
        /** A call this workload serves through its {@code MeshServer}. */
        INBOUND
    }

    private final Direction direction;
    private final long startNanos;
    private final Instant startTime;
    private final AtomicInteger upstreamRequests = new AtomicInteger();
    private volatile Map<AttributeKey<?>, Object> attachments;

    private volatile String virtualService;
    private volatile String routeName;
    private volatile String destinationHost;
    private volatile String destinationSubset;
    private volatile int destinationPort;
    private volatile Upstream upstream;
    private volatile PeerIdentity upstreamPeer;

    /**
     * @param direction which way the call goes
     * @param startNanos {@link System#nanoTime()} when the call entered the stack, for its duration
     * @param startTime the same instant on the wall clock, for logs
     */
    public CallRecord(Direction direction, long startNanos, Instant startTime) {
        this.direction = Objects.requireNonNull(direction, "direction");
        this.startNanos = startNanos;
        this.startTime = Objects.requireNonNull(startTime, "startTime");
    }

    // --- written by the steps

    /**
     * The route step's decision.
     *
     * @param virtualService the VirtualService as {@code namespace/name}, or {@code null} for the default route
     * @param routeName the matched route's name, or {@code null} when it has none
     * @param host the destination host, fully qualified as the route resolved it
     * @param subset the destination subset, or {@code null}
     * @param port the destination port
     */
    public void routed(String virtualService, String routeName, String host, String subset, int port) {
        this.virtualService = virtualService;
        this.routeName = routeName;
        this.destinationHost = host;
        this.destinationSubset = subset;
        this.destinationPort = port;
    }

    /** The wire step sends one upstream request (the first, a retry, or a hedge) to {@code upstream}. */
    public void sending(Upstream upstream) {
        this.upstream = upstream;
        upstreamRequests.incrementAndGet();
    }

    /** The upstream that answered declared itself (the mesh's metadata exchange, as Istio's peer metadata). */
    public void answeredBy(PeerIdentity peer) {
        this.upstreamPeer = peer;
    }

    /** Keeps a value of an observer's own for this call (a span, say), under {@code key}. */
    public <T> void attach(AttributeKey<T> key, T value) {
        Map<AttributeKey<?>, Object> map = attachments;
        if (map == null) {
            synchronized (this) {
                map = attachments;
                if (map == null) {
                    map = new ConcurrentHashMap<>(4);
                    attachments = map;
                }
            }
        }
        map.put(key, key.type().cast(value));
    }

    /** A value {@link #attach}ed under {@code key}, or {@code null}. */
    public <T> T attachment(AttributeKey<T> key) {
        Map<AttributeKey<?>, Object> map = attachments;
        return map == null ? null : key.type().cast(map.get(key));
    }

    // --- read by telemetry

    public Direction direction() {
        return direction;
    }

    /** {@link System#nanoTime()} when the call entered the stack. */
    public long startNanos() {
        return startNanos;
    }

    /** When the call entered the stack, on the wall clock. */
    public Instant startTime() {
        return startTime;
    }

    /** The matched VirtualService as {@code namespace/name}; {@code null} for the default route or before routing. */
    public String virtualService() {
        return virtualService;
    }

    /** The matched route's name; {@code null} when it has none. */
    public String routeName() {
        return routeName;
    }

    /** The destination host the route chose; {@code null} before routing (or when the call failed before it). */
    public String destinationHost() {
        return destinationHost;
    }

    /** The destination subset the route chose; {@code null} for none. */
    public String destinationSubset() {
        return destinationSubset;
    }

    /** The destination port the route chose; 0 before routing. */
    public int destinationPort() {
        return destinationPort;
    }

    /** The endpoint the last upstream request went to; {@code null} when none was sent. */
    public Upstream upstream() {
        return upstream;
    }

    /** How many requests went upstream for this call: 0 when none, more than 1 after retries. */
    public int upstreamRequests() {
        return upstreamRequests.get();
    }

    /** The workload that answered, as it declared itself; {@code null} when it did not (not a mesh workload). */
    public PeerIdentity upstreamPeer() {
        return upstreamPeer;
    }

    @Override
    public String toString() {
        return "CallRecord[" + direction + ", route " + virtualService + "/" + routeName + " -> " + destinationHost
                + (destinationSubset == null ? "" : " subset " + destinationSubset) + ":" + destinationPort + ", upstream " + upstream
                + " x" + upstreamRequests.get() + ", answered by " + (upstreamPeer == null ? null : upstreamPeer.workload()) + "]";
    }
}
