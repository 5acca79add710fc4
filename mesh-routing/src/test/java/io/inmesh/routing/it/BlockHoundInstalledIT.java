package io.inmesh.routing.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.MeshServer;
import io.inmesh.core.http.MeshResponse;
import io.inmesh.core.testing.BlockHoundExtension;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The guard the other integration tests rely on: with {@link BlockHoundExtension}, a blocking call in
 * a MeshServer's handler, on the event loop, is caught and recorded.
 */
@ExtendWith(BlockHoundExtension.class)
class BlockHoundInstalledIT {

    private UpstreamWorkload server;

    @AfterEach
    void stop() {
        // The violation this test provokes on purpose is not one of the test's failures.
        List<String> provoked = BlockHoundExtension.takeViolations();
        assertThat(provoked).singleElement().asString().contains("park").contains("reactor-http-");
        server.close();
    }

    @Test
    void aBlockingCallOnAnEventLoopIsCaught() {
        server = UpstreamWorkload.start("blocker-v1", "blocker", "v1", self -> request -> {
            String outcome;
            try {
                LockSupport.parkNanos(1);
                outcome = "not caught";
            } catch (BlockingOperationError caught) {
                outcome = "caught " + caught.getMethod();
            }
            return Mono.just(MeshResponse.text(200, outcome));
        });

        String answer = HttpClient.create().get().uri("http://127.0.0.1:" + server.port() + "/")
                .responseContent().aggregate().asString().block(Meshes.WAIT);

        assertThat(answer).startsWith("caught").contains("park");
    }
}
