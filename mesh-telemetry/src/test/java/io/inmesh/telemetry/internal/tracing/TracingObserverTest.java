package io.inmesh.telemetry.internal.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.telemetry.CallRecord;
import io.inmesh.telemetry.MeshTracing;
import io.inmesh.telemetry.internal.CompletedCall;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.util.context.Context;

/** The span an observer makes of one call, without sockets: names, statuses and where its parent comes from. */
class TracingObserverTest {

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
    private final TracingObserver observer = new TracingObserver(sdk, MeshTracing.defaultPropagator());
    private final LocalWorkload workload = LocalWorkload.of("tester", "default", Map.of());

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void aMethodTheConventionsDoNotKnowIsNamedHttpAndKeptAsOriginal() {
        SpanData span = run(CallRecord.Direction.OUTBOUND, MeshRequest.builder(HttpMethod.valueOf("PURGE"), "http://cache:80/x").build(), 200, null);
        assertThat(span.getName()).isEqualTo("HTTP");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("http.request.method"))).isEqualTo("_OTHER");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("http.request.method_original"))).isEqualTo("PURGE");
    }

    @Test
    void secretQueryValuesAreRedacted() {
        SpanData span = run(CallRecord.Direction.OUTBOUND,
                MeshRequest.builder(HttpMethod.GET, "https://bucket:443/o?X-Goog-Signature=abc&page=2&sig=s3cret").build(), 200, null);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("url.full")))
                .isEqualTo("https://bucket:443/o?X-Goog-Signature=REDACTED&page=2&sig=REDACTED");
        assertThat(TracingObserver.withoutCredentials("alice:s3cret@bucket:443")).isEqualTo("REDACTED:REDACTED@bucket:443");
        assertThat(TracingObserver.redacted("page=2&signature=x")).as("names are case-sensitive").isEqualTo("page=2&signature=x");
    }

    @Test
    void aServerIsInErrorFrom5xxOnAClientFrom4xxOn() {
        MeshRequest request = MeshRequest.builder(HttpMethod.GET, "http://reviews:9080/r").build();
        assertThat(run(CallRecord.Direction.INBOUND, request, 404, null).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(run(CallRecord.Direction.OUTBOUND, request, 404, null).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        SpanData failed = run(CallRecord.Direction.INBOUND, request, 500, null);
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("500");
        SpanData refused = run(CallRecord.Direction.INBOUND, request, 404, new MeshException.NoRoute("no route to /r"));
        assertThat(refused.getStatus().getStatusCode()).as("a failure with a 4xx is not the server's error").isEqualTo(StatusCode.UNSET);
    }

    @Test
    void aFailureWithoutAStatusIsTypedByItsException() {
        SpanData span = run(CallRecord.Direction.OUTBOUND, MeshRequest.builder(HttpMethod.GET, "http://reviews:9080/r").build(), 0,
                new IOException("reset"));
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("java.io.IOException");
        assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isNull();
    }

    @Test
    void aClientSpansParentIsTheReactorContextsElseTheThreads() {
        Span reactorParent = sdk.getTracer("test").spanBuilder("handler").startSpan();
        Span threadParent = sdk.getTracer("test").spanBuilder("app").startSpan();
        MeshRequest request = MeshRequest.builder(HttpMethod.GET, "http://reviews:9080/r").build();
        try (Scope ignored = threadParent.makeCurrent()) {
            CallRecord fromReactor = new CallRecord(CallRecord.Direction.OUTBOUND, System.nanoTime(), Instant.EPOCH);
            MeshRequest sent = observer.onStart(fromReactor, request,
                    MeshTracing.withParent(Context.empty(), io.opentelemetry.context.Context.root().with(reactorParent)));
            assertThat(sent.headers().get("traceparent")).contains(reactorParent.getSpanContext().getTraceId());
            end(fromReactor, sent, 200, null);
            CallRecord fromThread = new CallRecord(CallRecord.Direction.OUTBOUND, System.nanoTime(), Instant.EPOCH);
            end(fromThread, observer.onStart(fromThread, request, Context.empty()), 200, null);
        }
        assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getParentSpanId)
                .containsExactly(reactorParent.getSpanContext().getSpanId(), threadParent.getSpanContext().getSpanId());
    }

    @Test
    void withoutAParentTheClientContinuesTheTraceTheApplicationForwarded() {
        String forwarded = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        MeshRequest request = MeshRequest.builder(HttpMethod.GET, "http://reviews:9080/r").header("traceparent", forwarded).build();
        CallRecord record = new CallRecord(CallRecord.Direction.OUTBOUND, System.nanoTime(), Instant.EPOCH);
        MeshRequest sent = observer.onStart(record, request, Context.empty());
        end(record, sent, 200, null);
        SpanData span = exporter.getFinishedSpanItems().get(0);
        assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(sent.headers().getAll("traceparent")).containsExactly("00-4bf92f3577b34da6a3ce929d0e0e4736-" + span.getSpanId() + "-01");
    }

    @Test
    void clustersAreNamedAsIstioNamesThem() {
        assertThat(TracingObserver.istioCluster("reviews.bookinfo.svc.cluster.local|v2|9080"))
                .isEqualTo("outbound|9080|v2|reviews.bookinfo.svc.cluster.local");
        assertThat(TracingObserver.istioCluster("reviews||9080")).isEqualTo("outbound|9080||reviews");
    }

    private SpanData run(CallRecord.Direction direction, MeshRequest request, int status, Throwable failure) {
        exporter.reset();
        CallRecord record = new CallRecord(direction, System.nanoTime(), Instant.EPOCH);
        MeshRequest sent = observer.onStart(record, request, Context.empty());
        end(record, sent, status, failure);
        assertThat(exporter.getFinishedSpanItems()).hasSize(1);
        return exporter.getFinishedSpanItems().get(0);
    }

    private void end(CallRecord record, MeshRequest sent, int status, Throwable failure) {
        observer.onEnd(new CompletedCall(record, sent, workload, null, status, Set.of(), EmptyHttpHeaders.INSTANCE, 0, 0, 1,
                failure == null ? CompletedCall.End.COMPLETED : CompletedCall.End.FAILED, failure));
    }
}
