package io.inmesh.telemetry.internal.metrics;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.http.PeerIdentity;
import io.inmesh.core.http.ResponseFlag;
import io.inmesh.core.telemetry.CallRecord;
import io.inmesh.telemetry.internal.CallObserver;
import io.inmesh.telemetry.internal.CompletedCall;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.context.Context;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records Istio's four request metrics when a call ends, from the reporter's side: {@code source}
 * for the calls this workload makes, {@code destination} for those it serves; and counts the
 * overflows, retries and injected faults of outbound calls.
 *
 * <p>The label set of a call depends on a few things only (the peer, the destination host, the
 * status, the flags, the protocol), so label sets are built once per combination and kept (up to
 * {@value #MAX_LABEL_SETS}, then the cache starts afresh); the end of a call then costs a map lookup
 * and four recordings.
 */
public final class MetricsObserver implements CallObserver {

    /** Label sets kept; past that (a flood of distinct hosts, or many snapshots) the cache is emptied. */
    static final int MAX_LABEL_SETS = 4096;

    static final AttributeKey<String> SOURCE_WORKLOAD = IstioLabels.SOURCE_WORKLOAD;
    static final AttributeKey<String> SOURCE_WORKLOAD_NAMESPACE = IstioLabels.SOURCE_WORKLOAD_NAMESPACE;
    static final AttributeKey<String> DESTINATION_SERVICE = IstioLabels.DESTINATION_SERVICE;
    static final AttributeKey<String> FAULT = AttributeKey.stringKey("fault");
    /** Beside the bits of {@link ResponseFlag}s: the caller cancelled (Envoy's DC). */
    private static final int DOWNSTREAM_TERMINATION_BIT = 1 << 30;

    private final LongCounter requests;
    private final DoubleHistogram duration;
    private final DoubleHistogram requestBytes;
    private final DoubleHistogram responseBytes;
    private final LongCounter overflows;
    private final LongCounter retries;
    private final LongCounter faults;
    private final ConcurrentHashMap<SeriesKey, Attributes> labelSets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<MeshCounterKey, Attributes> meshLabelSets = new ConcurrentHashMap<>();

    public MetricsObserver(Meter meter) {
        // The SDK reads the current context when it records (for exemplars); OpenTelemetry's context
        // storage is set up on first use, reading service files from the class path, which must not
        // happen on an event loop. Here, on the thread that builds the mesh, it costs nothing.
        Context.current();
        this.requests = meter.counterBuilder(MetricNames.REQUESTS).setUnit("{request}")
                .setDescription("Requests, by source, destination, response code and flags (Istio's standard metric)").build();
        this.duration = meter.histogramBuilder(MetricNames.REQUEST_DURATION).setUnit(MetricNames.UNIT_MILLISECONDS)
                .setDescription("Request duration, from the request's start to the end of the response body (Istio's standard metric)")
                .setExplicitBucketBoundariesAdvice(MetricNames.ISTIO_BUCKETS).build();
        this.requestBytes = meter.histogramBuilder(MetricNames.REQUEST_BYTES).setUnit(MetricNames.UNIT_BYTES)
                .setDescription("Request body size (Istio's standard metric)")
                // A double histogram, as Istio's bucket layout (Envoy's) starts at 0.5.
                .setExplicitBucketBoundariesAdvice(MetricNames.ISTIO_BUCKETS).build();
        this.responseBytes = meter.histogramBuilder(MetricNames.RESPONSE_BYTES).setUnit(MetricNames.UNIT_BYTES)
                .setDescription("Response body size (Istio's standard metric)")
                // A double histogram, as Istio's bucket layout (Envoy's) starts at 0.5.
                .setExplicitBucketBoundariesAdvice(MetricNames.ISTIO_BUCKETS).build();
        this.overflows = meter.counterBuilder(MetricNames.UPSTREAM_OVERFLOWS).setUnit("{request}")
                .setDescription("Outbound requests refused by a circuit breaker or pending-request limit (UO)").build();
        this.retries = meter.counterBuilder(MetricNames.RETRIES).setUnit("{retry}")
                .setDescription("Upstream requests sent beyond the first of an outbound call").build();
        this.faults = meter.counterBuilder(MetricNames.FAULTS_INJECTED).setUnit("{fault}")
                .setDescription("Faults injected into outbound calls, by kind (abort, delay)").build();
    }

    @Override
    public void onEnd(CompletedCall call) {
        Attributes labels = labels(call);
        requests.add(1, labels);
        duration.record(call.durationNanos() / 1_000_000.0, labels);
        requestBytes.record(call.requestBytes(), labels);
        responseBytes.record(call.responseBytes(), labels);
        if (call.record().direction() == CallRecord.Direction.OUTBOUND) {
            countMeshEvents(call);
        }
    }

    private void countMeshEvents(CompletedCall call) {
        Set<ResponseFlag> flags = call.flags();
        int upstreamRequests = call.record().upstreamRequests();
        boolean overflow = flags.contains(ResponseFlag.UO);
        boolean abort = flags.contains(ResponseFlag.FI);
        boolean delay = flags.contains(ResponseFlag.DI);
        if (upstreamRequests <= 1 && !overflow && !abort && !delay) {
            return;
        }
        String host = destinationHost(call);
        if (upstreamRequests > 1) {
            retries.add(upstreamRequests - 1, meshLabels(call.workload(), host, null));
        }
        if (overflow) {
            overflows.add(1, meshLabels(call.workload(), host, null));
        }
        if (abort) {
            faults.add(1, meshLabels(call.workload(), host, "abort"));
        }
        if (delay) {
            faults.add(1, meshLabels(call.workload(), host, "delay"));
        }
    }

    private Attributes meshLabels(LocalWorkload workload, String host, String fault) {
        MeshCounterKey key = new MeshCounterKey(workload, host, fault);
        Attributes cached = meshLabelSets.get(key);
        if (cached != null) {
            return cached;
        }
        var builder = Attributes.builder().put(SOURCE_WORKLOAD, workload.name()).put(SOURCE_WORKLOAD_NAMESPACE, workload.namespace())
                .put(DESTINATION_SERVICE, host);
        if (fault != null) {
            builder.put(FAULT, fault);
        }
        Attributes labels = builder.build();
        if (meshLabelSets.size() >= MAX_LABEL_SETS) {
            meshLabelSets.clear();
        }
        meshLabelSets.put(key, labels);
        return labels;
    }

    private Attributes labels(CompletedCall call) {
        boolean outbound = call.record().direction() == CallRecord.Direction.OUTBOUND;
        PeerIdentity peer = outbound ? call.record().upstreamPeer() : call.request().attribute(PeerIdentity.KEY);
        String host = outbound ? destinationHost(call) : inboundHost(call);
        String contentType = call.request().headers().get("content-type");
        boolean grpc = contentType != null && contentType.startsWith("application/grpc");
        boolean downstreamGone = call.end() == CompletedCall.End.CANCELLED;
        SeriesKey key = new SeriesKey(outbound, call.workload(), peer, host, call.snapshot() == null ? 0 : call.snapshot().version(),
                call.status(), flagBits(call.flags()) | (downstreamGone ? DOWNSTREAM_TERMINATION_BIT : 0), grpc);
        Attributes cached = labelSets.get(key);
        if (cached != null) {
            return cached;
        }
        IstioLabels.Side local = IstioLabels.Side.of(call.workload());
        IstioLabels.Side remote = IstioLabels.Side.of(peer);
        IstioLabels.Service service = IstioLabels.Service.of(host, call.snapshot());
        String flags = call.flagsText();
        Attributes labels = outbound
                ? IstioLabels.of(true, local, remote, service, grpc, call.status(), flags, "unknown")
                : IstioLabels.of(false, remote, local, service, grpc, call.status(), flags,
                        peer != null && peer.verified() ? "mutual_tls" : "none");
        if (labelSets.size() >= MAX_LABEL_SETS) {
            labelSets.clear(); // old snapshots' and gone peers' sets go; the live ones are built again once
        }
        labelSets.put(key, labels);
        return labels;
    }

    /** The host the route chose, else (the call failed before routing) the one the request named. */
    private static String destinationHost(CompletedCall call) {
        String host = call.record().destinationHost();
        return host != null ? host : call.request().host();
    }

    /**
     * The service an inbound request was addressed to, by its host: a short Kubernetes name is
     * qualified in this workload's namespace; an address names no service.
     */
    private static String inboundHost(CompletedCall call) {
        String host = call.request().host();
        if (host == null || host.isEmpty() || host.equals("localhost") || host.indexOf(':') >= 0 || isAddress(host)) {
            return null;
        }
        return host.indexOf('.') < 0 ? host + "." + call.workload().namespace() + ".svc.cluster.local" : host;
    }

    private static boolean isAddress(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    private static int flagBits(Set<ResponseFlag> flags) {
        int bits = 0;
        for (ResponseFlag flag : flags) {
            bits |= 1 << flag.ordinal();
        }
        return bits;
    }

    /** What a call's Istio label set depends on. */
    private record SeriesKey(boolean outbound, LocalWorkload workload, PeerIdentity peer, String host, long snapshotVersion, int status,
            int flags, boolean grpc) {
    }

    private record MeshCounterKey(LocalWorkload workload, String host, String fault) {
    }
}
