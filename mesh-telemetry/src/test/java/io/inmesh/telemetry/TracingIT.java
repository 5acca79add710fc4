package io.inmesh.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.inmesh.core.LocalWorkload;
import io.inmesh.core.Mesh;
import io.inmesh.core.MeshServer;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * Traces on real sockets: a Bookinfo request (productpage → reviews → ratings) is one trace of
 * client and server spans with the right parents and the conventions' attributes; trace context
 * comes in and goes out in W3C and B3 headers to services outside the mesh; an unsampled trace
 * records nothing and still propagates.
 */
@ExtendWith(BlockHoundExtension.class)
class TracingIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String HOSTS = ".bookinfo.svc.cluster.local";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN_ID = "00f067aa0ba902b7";

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final TestConfigSource rules = new TestConfigSource();
    private final AtomicInteger ratingsCalls = new AtomicInteger();
    private final List<HttpHeaders> detailsReceived = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private MeshServer productpage;
    private MeshServer reviews;

    /** Starts ratings, reviews and productpage in their own meshes, and details outside the mesh. */
    private void start(Sampler sampler, TextMapPropagator propagator) {
        DisposableServer details = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> {
            detailsReceived.add(request.requestHeaders().copy());
            return response.sendString(Mono.just("{\"pages\":200}"));
        }).bindNow();
        toClose.add(details::disposeNow);

        Mesh ratingsMesh = mesh("ratings", sampler, propagator);
        MeshServer ratings = ratingsMesh.server(request -> request.body().doOnNext(ByteBuf::release).then(Mono.fromSupplier(() -> {
            if (request.path().equals("/missing")) {
                return MeshResponse.text(404, "no such rating");
            }
            return ratingsCalls.incrementAndGet() == 1 ? MeshResponse.text(503, "busy") : MeshResponse.text(200, "{\"stars\":5}");
        }))).bind();

        Mesh reviewsMesh = mesh("reviews", sampler, propagator);
        reviews = reviewsMesh.server(request -> request.body().doOnNext(ByteBuf::release)
                .then(reviewsMesh.client().get("http://ratings" + HOSTS + ":9080/ratings/0").retrieve())
                .map(stars -> MeshResponse.text(200, "reviews with " + stars))).bind();

        Mesh productpageMesh = mesh("productpage", sampler, propagator);
        productpage = productpageMesh.server(request -> request.body().doOnNext(ByteBuf::release).then(Mono.defer(() -> {
            if (request.path().equals("/details")) {
                // As Bookinfo's productpage does: forward the inbound trace headers by hand.
                var call = productpageMesh.client().get("http://details" + HOSTS + ":9080/details/0");
                for (String header : List.of("b3", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled", "traceparent")) {
                    String value = request.headers().get(header);
                    if (value != null) {
                        call.header(header, value);
                    }
                }
                return call.retrieve().map(body -> MeshResponse.text(200, "details " + body));
            }
            return productpageMesh.client().get("http://reviews" + HOSTS + ":9080/reviews/0").retrieve()
                    .map(body -> MeshResponse.text(200, "page with " + body));
        }))).bind();

        toClose.addAll(List.of(productpage, productpageMesh, reviews, reviewsMesh, ratings, ratingsMesh));
        rules.push(Bookinfo.service("ratings", ratings.port()), Bookinfo.service("reviews", reviews.port()), Bookinfo.service("details", details.port()),
                Bookinfo.service("closed", closedPort()), retryingRatings());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    @Test
    void aBookinfoRequestIsOneTraceFromTheCallersB3Context() {
        start(Sampler.parentBased(Sampler.alwaysOn()), MeshTracing.defaultPropagator());

        String page = call("/productpage", Map.of("X-B3-TraceId", TRACE_ID, "X-B3-SpanId", CALLER_SPAN_ID, "X-B3-Sampled", "1",
                "User-Agent", "bookinfo-test/1.0"));
        assertThat(page).isEqualTo("page with reviews with {\"stars\":5}");

        await().atMost(WAIT).untilAsserted(() -> assertThat(names()).hasSize(6));
        assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getTraceId).containsOnly(TRACE_ID);

        SpanData productpageServer = one("productpage", SpanKind.SERVER);
        SpanData toReviews = one("productpage", SpanKind.CLIENT);
        SpanData reviewsServer = one("reviews", SpanKind.SERVER);
        SpanData toRatings = one("reviews", SpanKind.CLIENT);
        List<SpanData> ratingsServer = all("ratings", SpanKind.SERVER);

        // The chain of parents, from the caller outside the mesh to both tries at ratings.
        assertThat(productpageServer.getParentSpanId()).isEqualTo(CALLER_SPAN_ID);
        assertThat(productpageServer.getParentSpanContext().isRemote()).isTrue();
        assertThat(toReviews.getParentSpanId()).isEqualTo(productpageServer.getSpanId());
        assertThat(reviewsServer.getParentSpanId()).isEqualTo(toReviews.getSpanId());
        assertThat(toRatings.getParentSpanId()).isEqualTo(reviewsServer.getSpanId());
        assertThat(ratingsServer).hasSize(2).allSatisfy(span -> assertThat(span.getParentSpanId()).isEqualTo(toRatings.getSpanId()));

        // A server span, as the conventions describe it.
        assertThat(productpageServer.getName()).isEqualTo("GET");
        Attributes server = productpageServer.getAttributes();
        assertThat(server.get(key("http.request.method"))).isEqualTo("GET");
        assertThat(server.get(key("url.scheme"))).isEqualTo("http");
        assertThat(server.get(key("url.path"))).isEqualTo("/productpage");
        assertThat(server.get(key("server.address"))).isEqualTo("127.0.0.1");
        assertThat(server.get(longKey("server.port"))).isEqualTo(productpage.port());
        assertThat(server.get(key("client.address"))).isEqualTo("127.0.0.1");
        assertThat(server.get(key("network.protocol.version"))).isEqualTo("1.1");
        assertThat(server.get(key("user_agent.original"))).isEqualTo("bookinfo-test/1.0");
        assertThat(server.get(longKey("http.response.status_code"))).isEqualTo(200);
        assertThat(productpageServer.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(reviewsServer.getAttributes().get(key("inmesh.peer.workload"))).as("the caller, as it declared itself").isEqualTo("productpage");
        assertThat(reviewsServer.getAttributes().get(key("server.address"))).as("from the Host header").isEqualTo("reviews" + HOSTS);
        assertThat(reviewsServer.getAttributes().get(longKey("server.port"))).isEqualTo(9080);

        // A client span: the conventions' attributes and the mesh's.
        assertThat(toReviews.getName()).isEqualTo("GET");
        Attributes client = toReviews.getAttributes();
        assertThat(client.get(key("http.request.method"))).isEqualTo("GET");
        assertThat(client.get(key("url.full"))).isEqualTo("http://reviews" + HOSTS + ":9080/reviews/0");
        assertThat(client.get(key("server.address"))).isEqualTo("reviews" + HOSTS);
        assertThat(client.get(longKey("server.port"))).isEqualTo(9080);
        assertThat(client.get(longKey("http.response.status_code"))).isEqualTo(200);
        assertThat(client.get(key("inmesh.destination.service"))).isEqualTo("reviews" + HOSTS);
        assertThat(client.get(key("inmesh.upstream.cluster"))).isEqualTo("outbound|9080||reviews" + HOSTS);
        assertThat(client.get(key("inmesh.upstream.host"))).isEqualTo("127.0.0.1:" + reviews.port());
        assertThat(client.get(key("network.peer.address"))).isEqualTo("127.0.0.1");
        assertThat(client.get(longKey("inmesh.upstream.requests"))).isEqualTo(1);
        assertThat(client.get(key("inmesh.peer.workload"))).isEqualTo("reviews");
        assertThat(client.get(key("inmesh.response_flags"))).isNull();
        assertThat(toReviews.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        // The retried call: one client span over both tries, each try a server span of its own.
        Attributes retried = toRatings.getAttributes();
        assertThat(retried.get(key("inmesh.route.virtual_service"))).isEqualTo("bookinfo/ratings");
        assertThat(retried.get(key("inmesh.route.name"))).isEqualTo("ratings-route");
        assertThat(retried.get(longKey("inmesh.upstream.requests"))).isEqualTo(2);
        assertThat(retried.get(longKey("http.response.status_code"))).isEqualTo(200);
        assertThat(toRatings.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(ratingsServer).extracting(span -> span.getAttributes().get(longKey("http.response.status_code")))
                .containsExactlyInAnyOrder(503L, 200L);
        SpanData busy = ratingsServer.stream().filter(span -> span.getAttributes().get(longKey("http.response.status_code")) == 503)
                .findFirst().orElseThrow();
        assertThat(busy.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(busy.getAttributes().get(key("error.type"))).isEqualTo("503");
    }

    @Test
    void failedCallsAreErrorsAsTheConventionsSay() {
        start(Sampler.alwaysOn(), MeshTracing.defaultPropagator());
        Mesh caller = mesh("tester", Sampler.alwaysOn(), MeshTracing.defaultPropagator());
        toClose.add(0, caller);

        // 404: the client's error, not the server's.
        MeshResponse missing = caller.client().get("http://ratings" + HOSTS + ":9080/missing").exchange().block(WAIT);
        assertThat(missing.status()).isEqualTo(404);
        missing.releaseBody().block(WAIT);
        await().atMost(WAIT).untilAsserted(() -> assertThat(names()).hasSize(2));
        SpanData notFound = one("tester", SpanKind.CLIENT);
        assertThat(notFound.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(notFound.getAttributes().get(key("error.type"))).isEqualTo("404");
        SpanData served = one("ratings", SpanKind.SERVER);
        assertThat(served.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(served.getAttributes().get(longKey("http.response.status_code"))).isEqualTo(404);
        assertThat(served.getAttributes().get(key("error.type"))).isNull();
        exporter.reset();

        // An injected fault: the mesh answers, nothing goes upstream.
        MeshResponse aborted = caller.client().get("http://ratings" + HOSTS + ":9080/faulty").exchange().block(WAIT);
        assertThat(aborted.status()).isEqualTo(503);
        aborted.releaseBody().block(WAIT);
        await().atMost(WAIT).untilAsserted(() -> assertThat(names()).hasSize(1));
        Attributes fault = one("tester", SpanKind.CLIENT).getAttributes();
        assertThat(fault.get(key("inmesh.fault"))).isEqualTo("delay,abort");
        assertThat(fault.get(key("inmesh.response_flags"))).isEqualTo("DI,FI");
        assertThat(fault.get(key("inmesh.route.name"))).isEqualTo("faulty-route");
        assertThat(fault.get(longKey("inmesh.upstream.requests"))).isZero();
        assertThat(fault.get(key("error.type"))).isEqualTo("503");
        exporter.reset();

        // Nobody listens: the mesh answers 503 UF, which the application gets as an exception.
        Throwable refused = caller.client().get("http://closed" + HOSTS + ":9080/").exchange()
                .then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT);
        assertThat(refused).isNotNull();
        await().atMost(WAIT).untilAsserted(() -> assertThat(names()).hasSize(1));
        SpanData failed = one("tester", SpanKind.CLIENT);
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getAttributes().get(key("error.type"))).isEqualTo("503");
        assertThat(failed.getAttributes().get(longKey("http.response.status_code"))).isEqualTo(503);
        assertThat(failed.getAttributes().get(key("inmesh.response_flags"))).contains("UF");
        assertThat(failed.getEvents()).extracting(event -> event.getName()).contains("exception");
    }

    @Test
    void b3AndW3cGoToAnUpstreamOutsideTheMeshReplacingWhatTheApplicationForwarded() {
        start(Sampler.alwaysOn(), MeshTracing.defaultPropagator());

        call("/details", Map.of("b3", TRACE_ID + "-" + CALLER_SPAN_ID + "-1"));

        await().atMost(WAIT).untilAsserted(() -> assertThat(names()).hasSize(2));
        SpanData toDetails = one("productpage", SpanKind.CLIENT);
        assertThat(toDetails.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(one("productpage", SpanKind.SERVER).getParentSpanId()).as("the single b3 header was read").isEqualTo(CALLER_SPAN_ID);
        HttpHeaders sent = detailsReceived.get(0);
        assertThat(sent.get("X-B3-TraceId")).isEqualTo(TRACE_ID);
        assertThat(sent.get("X-B3-SpanId")).isEqualTo(toDetails.getSpanId());
        assertThat(sent.get("X-B3-Sampled")).isEqualTo("1");
        assertThat(sent.get("traceparent")).isEqualTo("00-" + TRACE_ID + "-" + toDetails.getSpanId() + "-01");
        assertThat(sent.contains("b3")).as("the stale header the application forwarded is gone").isFalse();
    }

    @Test
    void aSingleB3HeaderWhenConfigured() {
        start(Sampler.alwaysOn(), B3Propagator.injectingSingleHeader());

        call("/details", Map.of("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01"));

        await().atMost(WAIT).untilAsserted(() -> assertThat(names()).hasSize(2));
        SpanData toDetails = one("productpage", SpanKind.CLIENT);
        assertThat(toDetails.getTraceId()).as("this propagator reads no W3C header: a new trace").isNotEqualTo(TRACE_ID);
        HttpHeaders sent = detailsReceived.get(0);
        assertThat(sent.get("b3")).isEqualTo(toDetails.getTraceId() + "-" + toDetails.getSpanId() + "-1");
        assertThat(sent.contains("X-B3-TraceId")).isFalse();
        assertThat(sent.get("traceparent")).as("forwarded by the application, not the mesh's to own")
                .isEqualTo("00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01");
    }

    @Test
    void anUnsampledTraceRecordsNothingAndStillPropagates() {
        start(Sampler.alwaysOff(), MeshTracing.defaultPropagator());

        call("/details", Map.of("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01"));
        String page = call("/productpage", Map.of());
        assertThat(page).startsWith("page with reviews");

        HttpHeaders sent = detailsReceived.get(0);
        String traceparent = sent.get("traceparent");
        assertThat(traceparent).startsWith("00-" + TRACE_ID + "-").endsWith("-00");
        assertThat(traceparent.substring(36, 52)).as("a span id of the mesh's own").isNotEqualTo(CALLER_SPAN_ID).isNotEqualTo("0000000000000000");
        assertThat(sent.get("X-B3-TraceId")).isEqualTo(TRACE_ID);
        assertThat(sent.get("X-B3-Sampled")).isEqualTo("0");
        assertThat(exporter.getFinishedSpanItems()).isEmpty();
    }

    // --- the parts

    private Mesh mesh(String app, Sampler sampler, TextMapPropagator propagator) {
        SdkTracerProvider tracing = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(key("service.name"), app))))
                .setSampler(sampler)
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build();
        toClose.add(tracing::close);
        MeshTelemetry telemetry = MeshTelemetry.builder(OpenTelemetrySdk.builder().setTracerProvider(tracing).build())
                .metrics(false).propagator(propagator).build();
        return Mesh.builder().workload(LocalWorkload.of(app, "bookinfo", Map.of("app", app, "version", "v1")))
                .configSource(rules).extension(telemetry).build();
    }

    /** A GET from outside the mesh, with {@code headers}. */
    private String call(String path, Map<String, String> headers) {
        return HttpClient.create().headers(h -> headers.forEach(h::set)).get().uri("http://127.0.0.1:" + productpage.port() + path)
                .responseSingle((response, body) -> body.asString()).block(WAIT);
    }

    private List<String> names() {
        return exporter.getFinishedSpanItems().stream().map(span -> service(span) + " " + span.getKind() + " " + span.getName()).toList();
    }

    private List<SpanData> all(String service, SpanKind kind) {
        return exporter.getFinishedSpanItems().stream().filter(span -> service(span).equals(service) && span.getKind() == kind).toList();
    }

    private SpanData one(String service, SpanKind kind) {
        List<SpanData> spans = all(service, kind);
        assertThat(spans).as(names().toString()).hasSize(1);
        return spans.get(0);
    }

    private static String service(SpanData span) {
        return span.getResource().getAttribute(key("service.name"));
    }

    private static AttributeKey<String> key(String name) {
        return AttributeKey.stringKey(name);
    }

    private static AttributeKey<Long> longKey(String name) {
        return AttributeKey.longKey(name);
    }

    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String retryingRatings() {
        return Bookinfo.retryingRatings("""
                  - name: faulty-route
                    match:
                    - uri:
                        prefix: /faulty
                    fault:
                      delay:
                        fixedDelay: 0.001s
                        percentage: {value: 100}
                      abort:
                        httpStatus: 503
                        percentage: {value: 100}
                    route:
                    - destination:
                        host: ratings.bookinfo.svc.cluster.local
                  - route:
                    - destination:
                        host: ratings.bookinfo.svc.cluster.local
                """);
    }
}
