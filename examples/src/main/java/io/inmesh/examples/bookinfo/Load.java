package io.inmesh.examples.bookinfo;

import io.inmesh.core.MeshClient;
import io.inmesh.core.http.MeshException;
import io.inmesh.core.http.MeshResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Concurrent calls through a mesh client, as the {@code fortio load -c C -n N} of Istio's
 * circuit-breaking task makes them: {@code C} callers, each making its share of the {@code N}
 * calls one after the other. Never blocks.
 */
final class Load {

    /** How long a call may take before it counts as failed. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private Load() {
    }

    /** Runs {@code round} against {@code url} from {@code client}, and counts what came back. */
    static Mono<CallTally> run(MeshClient client, String url, Scenario.Round round) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(url, "url");
        int callers = round.callers();
        return Flux.range(0, callers)
                .flatMap(caller -> Flux.range(0, share(round.calls(), callers, caller)).concatMap(call -> call(client, url)), callers)
                .reduceWith(CallTally::new, CallTally::add);
    }

    /** The calls caller {@code caller} makes of {@code calls} shared by {@code callers}: the first ones make one more when they do not divide. */
    static int share(int calls, int callers, int caller) {
        return calls / callers + (caller < calls % callers ? 1 : 0);
    }

    /** One call, as its outcome: {@code 200}, {@code 503 UO}, or what went wrong. Never fails. */
    static Mono<CallTally.Call> call(MeshClient client, String url) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            return client.get(url).exchange()
                    .flatMap(response -> response.bodyAsString().defaultIfEmpty("").map(body -> outcome(response)))
                    .timeout(CALL_TIMEOUT)
                    .onErrorResume(failure -> Mono.just(outcome(failure)))
                    .map(outcome -> new CallTally.Call(outcome, System.nanoTime() - started));
        });
    }

    /** {@code 200}, or the status with Envoy's response flags when the mesh set any: {@code 503 UO}. */
    static String outcome(MeshResponse response) {
        String flags = response.headers().get(MeshResponse.FLAGS_HEADER);
        return flags == null || flags.isBlank() ? String.valueOf(response.status()) : response.status() + " " + flags;
    }

    /** A failed call: the mesh's status and flag, {@code 503 UO}, or what else went wrong. */
    static String outcome(Throwable failure) {
        if (failure instanceof MeshException mesh) {
            return mesh.status() + " " + mesh.flag();
        }
        if (failure instanceof TimeoutException) {
            return "no answer within " + CALL_TIMEOUT.toSeconds() + " s";
        }
        return failure.getClass().getSimpleName();
    }
}
