package io.inmesh.routing.internal;

import static io.inmesh.routing.internal.Balancers.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.model.OutlierDetection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Outlier detection with Envoy's semantics, on a fake clock: consecutive 5xx and gateway errors eject
 * at their threshold, a success resets the count, ejections last the base time times the ejection
 * count and end at a sweep, {@code maxEjectionPercent} caps ejections (strictly, as Envoy 1.27+),
 * and below {@code minHealthPercent} every endpoint is used again (panic).
 */
class OutlierDetectorTest {

    private final Balancers fixture = Balancers.create();

    private OutlierDetector detector(OutlierDetection settings, int hosts) {
        OutlierDetector detector = new OutlierDetector(Balancers.policy(null, settings), fixture.runtime);
        List<String> keys = new ArrayList<>();
        for (int i = 1; i <= hosts; i++) {
            keys.add(key(i));
        }
        detector.track(keys);
        return detector;
    }

    private static OutlierDetection settings(Integer fiveXx, Integer gateway, Integer maxPercent, Integer minHealth) {
        return new OutlierDetection(null, null, gateway, fiveXx, Duration.ofSeconds(1), Duration.ofSeconds(30), maxPercent, minHealth, null);
    }

    private static UpstreamHost[] hosts(int count) {
        UpstreamHost[] hosts = new UpstreamHost[count];
        for (int i = 0; i < count; i++) {
            hosts[i] = new UpstreamHost(key(i + 1), "10.0.0." + (i + 1), 8080, 1, new UpstreamHost.Activity(0));
        }
        return hosts;
    }

    private static void fail(OutlierDetector detector, int host, int status, int times) {
        for (int i = 0; i < times; i++) {
            detector.responded(key(host), status);
        }
    }

    @Test
    void theFifthConsecutive5xxEjectsAndASuccessResetsTheCount() {
        OutlierDetector detector = detector(settings(null, null, 100, null), 4);
        fail(detector, 1, 500, 4);
        detector.responded(key(1), 200);
        fail(detector, 1, 500, 4);
        assertThat(detector.ejected(key(1))).isFalse();
        fail(detector, 1, 500, 1);
        assertThat(detector.ejected(key(1))).isTrue();
        assertThat(detector.available(hosts(4))).extracting(UpstreamHost::key).containsExactly(key(2), key(3), key(4));
    }

    @Test
    void anEjectedEndpointReturnsAtTheFirstSweepAfterItsTimeAndLongerEachTime() {
        OutlierDetector detector = detector(settings(5, null, 100, null), 4);
        fail(detector, 1, 503, 5);
        fixture.advance(29, TimeUnit.SECONDS);
        assertThat(detector.ejected(key(1))).isTrue();
        fixture.advance(1, TimeUnit.SECONDS);
        assertThat(detector.ejected(key(1))).as("back after 30 s, at a sweep").isFalse();

        // Ejected again at once: twice the base time now.
        fail(detector, 1, 503, 5);
        fixture.advance(59, TimeUnit.SECONDS);
        assertThat(detector.ejected(key(1))).isTrue();
        fixture.advance(1, TimeUnit.SECONDS);
        assertThat(detector.ejected(key(1))).isFalse();

        // A long healthy spell brings the multiplier back down: 30 s again.
        fixture.advance(10, TimeUnit.MINUTES);
        fail(detector, 1, 503, 5);
        fixture.advance(30, TimeUnit.SECONDS);
        assertThat(detector.ejected(key(1))).isFalse();
    }

    @Test
    void gatewayErrorsCountOnlyWhenConfigured() {
        OutlierDetector detector = detector(settings(0, 3, 100, null), 4);
        fail(detector, 1, 500, 10);
        assertThat(detector.ejected(key(1))).as("5xx ejection is off").isFalse();
        fail(detector, 1, 502, 2);
        detector.responded(key(1), 500);
        fail(detector, 1, 504, 2);
        assertThat(detector.ejected(key(1))).as("a 500 breaks the run of gateway errors").isFalse();
        fail(detector, 1, 503, 1);
        assertThat(detector.ejected(key(1))).isTrue();
    }

    @Test
    void localOriginFailuresCountAsGatewayErrorsUnlessSplit() {
        OutlierDetector together = detector(settings(null, null, 100, null), 4);
        for (int i = 0; i < 5; i++) {
            together.failedLocally(key(1), false);
        }
        assertThat(together.ejected(key(1))).isTrue();

        OutlierDetector split = detector(new OutlierDetection(true, 2, null, null, Duration.ofSeconds(1), Duration.ofSeconds(30), 100, null, null), 4);
        split.failedLocally(key(1), false);
        split.responded(key(1), 200);
        split.failedLocally(key(1), true);
        assertThat(split.ejected(key(1))).isFalse();
        split.failedLocally(key(1), false);
        assertThat(split.ejected(key(1))).isTrue();
    }

    @Test
    void maxEjectionPercentCapsEjectionsStrictly() {
        OutlierDetector half = detector(settings(null, null, 50, null), 4);
        for (int host = 1; host <= 4; host++) {
            fail(half, host, 500, 5);
        }
        assertThat(half.ejectedCount()).isEqualTo(2);

        // Istio's default, 10 %: a cluster of 4 never has an endpoint ejected (Envoy 1.27+ is strict).
        OutlierDetector byDefault = detector(settings(null, null, null, null), 4);
        fail(byDefault, 1, 500, 20);
        assertThat(byDefault.ejectedCount()).isZero();
        OutlierDetector ten = detector(settings(null, null, null, null), 10);
        fail(ten, 1, 500, 5);
        fail(ten, 2, 500, 5);
        assertThat(ten.ejectedCount()).isEqualTo(1);
    }

    @Test
    void belowMinHealthPercentEveryEndpointIsUsed() {
        OutlierDetector detector = detector(settings(null, null, 100, 50), 4);
        fail(detector, 1, 500, 5);
        fail(detector, 2, 500, 5);
        assertThat(detector.available(hosts(4))).hasSize(2);
        assertThat(detector.panic()).isFalse();
        fail(detector, 3, 500, 5);
        assertThat(detector.panic()).isTrue();
        assertThat(detector.available(hosts(4))).hasSize(4);
    }

    @Test
    void withoutAPanicThresholdAllEjectedMeansNone() {
        OutlierDetector detector = detector(settings(null, null, 100, null), 2);
        fail(detector, 1, 500, 5);
        fail(detector, 2, 500, 5);
        assertThat(detector.available(hosts(2))).isEmpty();
    }

    @Test
    void deprecatedConsecutiveErrorsCountsGatewayErrorsOnly() {
        OutlierDetector detector = detector(new OutlierDetection(null, null, null, null, null, null, 100, null, 2), 4);
        fail(detector, 1, 500, 10);
        assertThat(detector.ejected(key(1))).isFalse();
        fail(detector, 1, 503, 2);
        assertThat(detector.ejected(key(1))).isTrue();
    }

    @Test
    void withoutOutlierDetectionNothingIsEjected() {
        OutlierDetector detector = new OutlierDetector(Balancers.policy(null, null), fixture.runtime);
        detector.track(List.of(key(1)));
        fail(detector, 1, 500, 50);
        assertThat(detector.enabled()).isFalse();
        assertThat(detector.ejected(key(1))).isFalse();
    }

    @Test
    void endpointsThatLeaveAreForgotten() {
        OutlierDetector detector = detector(settings(null, null, 100, null), 4);
        fail(detector, 1, 500, 5);
        detector.track(List.of(key(2), key(3)));
        assertThat(detector.ejectedCount()).isZero();
    }
}
