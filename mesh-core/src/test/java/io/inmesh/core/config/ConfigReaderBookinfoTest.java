package io.inmesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.inmesh.core.model.ClientTlsSettings.TlsMode;
import io.inmesh.core.model.Destination;
import io.inmesh.core.model.DestinationRule;
import io.inmesh.core.model.HttpFaultInjection;
import io.inmesh.core.model.HttpRoute;
import io.inmesh.core.model.HttpRouteDestination;
import io.inmesh.core.model.Percent;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import io.inmesh.core.model.StringMatch;
import io.inmesh.core.model.Subset;
import io.inmesh.core.model.VirtualService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Istio's Bookinfo rules, read unchanged into the typed model. */
class ConfigReaderBookinfoTest {

    private final ConfigReader reader = ConfigReader.create();

    private ConfigReader.ReadResult readClean(String file) {
        Path path = IstioCorpus.path("bookinfo/" + file);
        ConfigReader.ReadResult result = reader.read(List.of(path));
        assertThat(result.diagnostics()).as("diagnostics of %s", file).isEmpty();
        return result;
    }

    private static VirtualService onlyVirtualService(ConfigReader.ReadResult result) {
        assertThat(result.resources()).hasSize(1);
        Resource<?> resource = result.resources().get(0);
        assertThat(resource.kind()).isEqualTo(ResourceKind.VIRTUAL_SERVICE);
        return resource.spec(VirtualService.class);
    }

    @Test
    void headerMatchRoutesJasonToV2AndEveryoneElseToV3() {
        ConfigReader.ReadResult result = readClean("virtual-service-reviews-jason-v2-v3.yaml");

        Resource<?> resource = result.resources().get(0);
        assertThat(resource.key()).isEqualTo("VirtualService/default/reviews");
        assertThat(resource.apiVersion()).isEqualTo("networking.istio.io/v1");
        VirtualService spec = onlyVirtualService(result);
        assertThat(spec.hosts()).containsExactly("reviews");
        assertThat(spec.gateways()).isEmpty();
        assertThat(spec.http()).hasSize(2);

        HttpRoute jason = spec.http().get(0);
        assertThat(jason.match()).hasSize(1);
        assertThat(jason.match().get(0).headers())
                .containsExactly(Map.entry("end-user", new StringMatch("jason", null, null)));
        assertThat(jason.route()).containsExactly(
                new HttpRouteDestination(new Destination("reviews", "v2", null), null, null));

        HttpRoute others = spec.http().get(1);
        assertThat(others.match()).isEmpty();
        assertThat(others.route()).containsExactly(
                new HttpRouteDestination(new Destination("reviews", "v3", null), null, null));
    }

    @Test
    void weightedRouteKeepsEachWeight() {
        VirtualService spec = onlyVirtualService(readClean("virtual-service-reviews-90-10.yaml"));

        assertThat(spec.http()).hasSize(1);
        assertThat(spec.http().get(0).route())
                .extracting(route -> route.destination().subset(), HttpRouteDestination::weight)
                .containsExactly(
                        tuple("v1", 90),
                        tuple("v2", 10));
    }

    @Test
    void destinationRulesOfEveryServiceWithTheirSubsets() {
        ConfigReader.ReadResult result = readClean("destination-rule-all.yaml");

        assertThat(result.resources()).extracting(Resource::key).containsExactly(
                "DestinationRule/default/productpage",
                "DestinationRule/default/reviews",
                "DestinationRule/default/ratings",
                "DestinationRule/default/details");
        DestinationRule ratings = result.resources().get(2).spec(DestinationRule.class);
        assertThat(ratings.host()).isEqualTo("ratings");
        assertThat(ratings.trafficPolicy()).isNull();
        assertThat(ratings.subsets()).containsExactly(
                new Subset("v1", Map.of("version", "v1"), null),
                new Subset("v2", Map.of("version", "v2"), null),
                new Subset("v2-mysql", Map.of("version", "v2-mysql"), null),
                new Subset("v2-mysql-vm", Map.of("version", "v2-mysql-vm"), null));
    }

    @Test
    void mutualTlsPolicyIsTyped() {
        ConfigReader.ReadResult result = readClean("destination-rule-all-mtls.yaml");

        assertThat(result.resources()).hasSize(4).allSatisfy(resource -> assertThat(
                resource.spec(DestinationRule.class).trafficPolicy().tls().mode()).isEqualTo(TlsMode.ISTIO_MUTUAL));
    }

    @Test
    void delayFaultHasFixedDelayAndPercentage() {
        VirtualService spec = onlyVirtualService(readClean("virtual-service-ratings-test-delay.yaml"));

        HttpFaultInjection fault = spec.http().get(0).fault();
        assertThat(fault.abort()).isNull();
        assertThat(fault.delay()).isEqualTo(
                new HttpFaultInjection.Delay(Duration.ofSeconds(7), null, new Percent(100.0), null));
        assertThat(spec.http().get(0).match().get(0).headers().get("end-user").exact()).isEqualTo("jason");
        assertThat(spec.http().get(1).fault()).isNull();
    }

    @Test
    void abortFaultHasStatusAndPercentage() {
        VirtualService spec = onlyVirtualService(readClean("virtual-service-ratings-test-abort.yaml"));

        HttpFaultInjection fault = spec.http().get(0).fault();
        assertThat(fault.delay()).isNull();
        assertThat(fault.abort()).isEqualTo(new HttpFaultInjection.Abort(500, null, null, new Percent(100.0)));
    }

    @Test
    void integerPercentageReadsAsNumberAndBothDocumentsOfTheFileLoad() {
        ConfigReader.ReadResult result = readClean("fault-injection-details-v1.yaml");

        assertThat(result.resources()).extracting(Resource::key)
                .containsExactly("VirtualService/default/details", "DestinationRule/default/details");
        HttpRoute faulty = result.resources().get(0).spec(VirtualService.class).http().get(0);
        assertThat(faulty.match()).isEmpty();
        assertThat(faulty.fault().abort()).isEqualTo(
                new HttpFaultInjection.Abort(555, null, null, new Percent(100.0)));
        assertThat(result.resources().get(1).location())
                .isEqualTo(new SourceLocation(IstioCorpus.path("bookinfo/fault-injection-details-v1.yaml").toString(), 23, 1));
    }
}
