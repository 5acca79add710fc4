package io.inmesh.core.internal.transport;

import io.inmesh.core.http.ConnectionPolicy;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshRequest;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.http.Upstream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.NettyOutbound;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The wire step of the client stack: sends a request to the endpoint the stack chose, over pooled
 * connections, streaming both bodies. The {@code Host} header stays the authority the application
 * called, not the endpoint's address, as a sidecar keeps it.
 *
 * <p>Connections are made and kept as the upstream's {@link ConnectionPolicy} says (a DestinationRule's
 * {@code connectionPool}): connect timeout, idle timeout and requests per connection. Each distinct
 * policy has its own reactor-netty connection pools, so clusters with equal policies share connections
 * and a cluster's settings never change another's; per policy, each event loop has its own pool
 * ({@link PoolKey}), and the most recently used idle connection is leased first.
 */
public final class ClientTransport implements AutoCloseable {

    /** Requests sent on a connection (over HTTP/2: streams opened on it), for {@code maxRequestsPerConnection}. */
    private static final AttributeKey<AtomicInteger> REQUESTS_SENT = AttributeKey.valueOf("inmesh.requests-sent");

    /** How often idle connections are looked for at most: often enough for short idle timeouts, rare for long ones. */
    private static final Duration MIN_EVICTION_INTERVAL = Duration.ofMillis(100);
    private static final Duration MAX_EVICTION_INTERVAL = Duration.ofSeconds(30);
    /** The sweep interval of pools with {@code maxRequestsPerConnection}, so that used-up connections close soon. */
    private static final Duration USED_UP_EVICTION_INTERVAL = Duration.ofSeconds(1);

    private final String name;
    private final HttpProtocol protocol;
    private final Map<PoolKey, Pool> pools = new ConcurrentHashMap<>();

    /** One connection pool and the client that uses it. */
    private record Pool(ConnectionProvider provider, HttpClient http) {
    }

    /**
     * Which pool a request uses: its upstream's policy, and the event-loop thread it is sent from
     * ({@code null} from any other thread). Like Envoy's per-worker connection pools: reactor-netty
     * opens a connection on the event loop that asks for it (colocation), so a pool per event loop
     * holds only connections of that loop, and a request sent from a server's handler goes out and
     * comes back on the thread it arrived on. One shared pool hands out any idle connection, and
     * a request then hops to that connection's loop and its answer hops back: two task hand-offs,
     * each a wake-up of another thread.
     */
    private record PoolKey(ConnectionPolicy policy, Thread eventLoop) {
    }

    /**
     * @param name names the connection pools in metrics and logs
     * @param protocol {@link HttpProtocol#HTTP11}, or {@link HttpProtocol#H2C} for HTTP/2 over cleartext
     *     with prior knowledge
     */
    public ClientTransport(String name, HttpProtocol protocol) {
        this.name = name;
        this.protocol = protocol;
        // The first HttpClient.protocol(..) in a JVM initialises reactor-netty's default TLS provider,
        // a JDK SSLContext that reads the platform's random source: do it here, when the mesh is
        // built, not on the event loop of the first request (where BlockHound rightly objects).
        HttpClient.newConnection().protocol(protocol);
        // Colocation (a connection opened on the loop that asks for it) works once each loop has
        // run the task that tells it which loop it is; the client loop group submits those tasks
        // when first asked for. Ask now, so that the first requests' connections land on their loops.
        HttpResources.get().onClient(LoopResources.DEFAULT_NATIVE);
    }

    private Pool pool(ConnectionPolicy policy) {
        Thread thread = Thread.currentThread();
        PoolKey key = new PoolKey(policy, thread instanceof FastThreadLocalThread ? thread : null);
        Pool pool = pools.get(key);
        return pool != null ? pool : pools.computeIfAbsent(key, k -> newPool(k.policy()));
    }

    private Pool newPool(ConnectionPolicy policy) {
        long idleMillis = policy.idleTimeout().toMillis();
        int maxRequests = policy.maxRequestsPerConnection();
        Duration evictionInterval = policy.idleTimeout().dividedBy(2);
        evictionInterval = evictionInterval.compareTo(MIN_EVICTION_INTERVAL) < 0 ? MIN_EVICTION_INTERVAL
                : evictionInterval.compareTo(MAX_EVICTION_INTERVAL) > 0 ? MAX_EVICTION_INTERVAL : evictionInterval;
        if (maxRequests > 0 && evictionInterval.compareTo(USED_UP_EVICTION_INTERVAL) > 0) {
            // An HTTP/2 connection that has carried its last stream is only closed by the background sweep
            // (no acquire looks at it again), and Envoy closes it once its streams are done: sweep often.
            evictionInterval = USED_UP_EVICTION_INTERVAL;
        }
        ConnectionProvider provider = ConnectionProvider.builder("inmesh-" + name + "-" + pools.size())
                .maxConnections(1024)
                .pendingAcquireMaxCount(-1)
                // The most recently used idle connection first, as Envoy's pools do: its buffers and
                // state are warm, and connections a burst opened go idle and are closed by idleTimeout
                // instead of being kept alive by a first-in-first-out rotation through all of them.
                .lifo()
                // Envoy closes a connection idle for idleTimeout, and one that has carried
                // maxRequestsPerConnection requests: a pooled connection is evicted when either holds
                // (over HTTP/1.1 when it comes back to the pool, over HTTP/2 it opens no more streams).
                .evictionPredicate((connection, metadata) -> metadata.idleTime() >= idleMillis
                        || (maxRequests > 0 && requestsSent(connection.channel()) >= maxRequests))
                .evictInBackground(evictionInterval)
                .build();
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, policy.connectTimeout().toMillis()));
        HttpClient http = HttpClient.create(provider)
                .protocol(protocol)
                .compress(false)
                .followRedirect(false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .doOnRequest((request, connection) -> {
                    if (maxRequests > 0) {
                        countRequest(connection.channel());
                    }
                });
        return new Pool(provider, http);
    }

    /** The connection a request travels on: the channel itself over HTTP/1.1, the stream's parent over HTTP/2. */
    private static Channel connectionOf(Channel channel) {
        return channel.parent() != null ? channel.parent() : channel;
    }

    private static void countRequest(Channel channel) {
        Attribute<AtomicInteger> sent = connectionOf(channel).attr(REQUESTS_SENT);
        AtomicInteger count = sent.get();
        if (count == null) {
            sent.setIfAbsent(new AtomicInteger());
            count = sent.get();
        }
        count.incrementAndGet();
    }

    private static int requestsSent(Channel channel) {
        AtomicInteger count = connectionOf(channel).attr(REQUESTS_SENT).get();
        return count == null ? 0 : count.get();
    }

    /** Sends {@code request} to {@code upstream}, adding the given extra headers. */
    public Mono<MeshResponse> send(MeshRequest request, Upstream upstream, HttpHeaders extraHeaders) {
        HttpClient.RequestSender sender = pool(upstream.connection()).http()
                .headers(headers -> {
                    // set(HttpHeaders) replaces everything; the extra headers are added with setAll.
                    headers.set(request.headers());
                    headers.setAll(extraHeaders);
                    headers.set(HttpHeaderNames.HOST, request.authority());
                })
                .request(request.method())
                .uri("http://" + upstream + request.pathAndQuery());
        HttpClient.ResponseReceiver<?> receiver = request.hasBody()
                ? sender.send((outboundRequest, outbound) -> streamed(request.body(), outbound))
                : sender;
        return receiver
                .responseConnection((response, connection) -> Mono.just(MeshResponse.of(
                        response.status().code(),
                        response.responseHeaders(),
                        connection.inbound().receive().retain())))
                .next()
                .onErrorMap(error -> classify(error, upstream));
    }

    /**
     * Writes the body one chunk at a time, taking the next chunk from the application only when the
     * previous one is written to the socket (or, over HTTP/2, when flow control let it go). Handing the
     * whole body to {@code outbound.send} would let reactor-netty pull up to 256 chunks ahead of the
     * network: a 10 MB upload in 64 KiB chunks would sit in memory whole before its first byte left.
     */
    private static Flux<Void> streamed(Flux<ByteBuf> body, NettyOutbound outbound) {
        return body.concatMap(chunk -> outbound.send(Flux.just(chunk)).then(), 0);
    }

    private static Throwable classify(Throwable error, Upstream upstream) {
        if (error instanceof MeshException) {
            return error;
        }
        Throwable cause = error;
        while (cause != null) {
            if (cause instanceof java.net.UnknownHostException) {
                return new MeshException.UpstreamConnectFailure(
                        "cannot resolve upstream " + upstream.address() + " (" + upstream.cluster() + "): " + cause.getMessage(), error);
            }
            if (cause instanceof ConnectException || cause instanceof ConnectTimeoutException) {
                return new MeshException.UpstreamConnectFailure(
                        "upstream connect error to " + upstream + " (" + upstream.cluster() + "): " + cause.getMessage(), error);
            }
            if (cause instanceof PrematureCloseException) {
                return new MeshException.UpstreamReset(
                        "upstream " + upstream + " (" + upstream.cluster() + ") closed the connection before responding", error);
            }
            cause = cause.getCause();
        }
        return error;
    }

    @Override
    public void close() {
        Mono.when(pools.values().stream().map(pool -> pool.provider().disposeLater()).toList()).block(Duration.ofSeconds(5));
    }
}
