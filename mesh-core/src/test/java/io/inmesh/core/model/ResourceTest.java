package io.inmesh.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.inmesh.core.config.ConfigReader;
import io.inmesh.core.config.SourceLocation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a resource's fields were written, as diagnostics after reading need it. */
class ResourceTest {

    private static final String SOURCE = "reviews.yaml";

    private static final Resource<?> REVIEWS = readOne("""
            # reviews: 90 % v1, 10 % v2
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: bookinfo
              labels:
                app.kubernetes.io/name: reviews
                version: v1
            spec:
              hosts:
              - reviews
              http:
              - match:
                - headers:
                    x.request.id:
                      prefix: abc
                route:
                - destination:
                    host: reviews
                    subset: v1
                  weight: 90
                - destination:
                    host: reviews
                    subset: v2
                  weight: 10
            """);

    private static Resource<?> readOne(String yaml) {
        ConfigReader.ReadResult result = ConfigReader.create().read(SOURCE, yaml);
        assertThat(result.diagnostics()).isEmpty();
        return result.resources().get(0);
    }

    private static SourceLocation at(int line, int column) {
        return new SourceLocation(SOURCE, line, column);
    }

    @Test
    void locationOfAWrittenFieldIsWhereItsValueIs() {
        assertThat(REVIEWS.locationOf("spec.http[0].route[1].weight")).isEqualTo(at(26, 15));
        assertThat(REVIEWS.locationOf("spec.http[0].route[0].destination.subset")).isEqualTo(at(21, 17));
        assertThat(REVIEWS.locationOf("spec.hosts[0]")).isEqualTo(at(12, 5));
        assertThat(REVIEWS.locationOf("metadata.name")).isEqualTo(at(5, 9));
    }

    @Test
    void locationOfAnUnwrittenFieldIsItsNearestWrittenParent() {
        assertThat(REVIEWS.locationOf("spec.http[0].route[1].destination.port.number"))
                .isEqualTo(REVIEWS.locationOf("spec.http[0].route[1].destination"))
                .as("an object is located at its key")
                .isEqualTo(at(23, 7));
        assertThat(REVIEWS.locationOf("spec.http[0].timeout")).isEqualTo(REVIEWS.locationOf("spec.http[0]"));
        assertThat(REVIEWS.locationOf("spec.http[3].route")).isEqualTo(REVIEWS.locationOf("spec.http"));
        assertThat(REVIEWS.locationOf("metadata.namespace")).isEqualTo(at(6, 14));
        assertThat(REVIEWS.locationOf("metadata.annotations[team]")).isEqualTo(REVIEWS.locationOf("metadata"))
                .isEqualTo(at(5, 3));
    }

    @Test
    void locationOfAPathNothingOfWhichWasWrittenIsTheDocument() {
        assertThat(REVIEWS.location()).isEqualTo(at(2, 1));
        assertThat(REVIEWS.locationOf("status.conditions")).isEqualTo(at(2, 1));
        assertThat(REVIEWS.locationOf("")).isEqualTo(at(2, 1));
    }

    @Test
    void mapKeysMayContainDots() {
        assertThat(REVIEWS.locationOf("metadata.labels[app.kubernetes.io/name]")).isEqualTo(at(8, 29));
        assertThat(REVIEWS.locationOf("metadata.labels[version]")).isEqualTo(at(9, 14));
        assertThat(REVIEWS.locationOf("metadata.labels[app.kubernetes.io/part-of]"))
                .isEqualTo(REVIEWS.locationOf("metadata.labels"));
        assertThat(REVIEWS.locationOf("spec.http[0].match[0].headers[x.request.id].prefix")).isEqualTo(at(17, 19));
        assertThat(REVIEWS.locationOf("spec.http[0].match[0].headers[x.request.id].exact"))
                .isEqualTo(REVIEWS.locationOf("spec.http[0].match[0].headers[x.request.id]"))
                .as("an object is located at its key")
                .isEqualTo(at(16, 9));
    }

    @Test
    void keyAndMetadataOfAReadResource() {
        assertThat(REVIEWS.key()).isEqualTo("VirtualService/bookinfo/reviews").isEqualTo(REVIEWS.toString());
        assertThat(REVIEWS.metadata().labels())
                .containsExactlyInAnyOrderEntriesOf(Map.of("app.kubernetes.io/name", "reviews", "version", "v1"));
    }

    @Test
    void aResourceBuiltInCodeHasTheNewestApiVersionAndNoFieldLocations() {
        VirtualService spec = new VirtualService(List.of("ratings"), List.of(), List.of(), List.of(), List.of(), List.of());
        Resource<VirtualService> resource = Resource.of(ResourceKind.VIRTUAL_SERVICE, ObjectMeta.of(null, "ratings"), spec);

        assertThat(resource.apiVersion()).isEqualTo("networking.istio.io/v1");
        assertThat(resource.key()).isEqualTo("VirtualService/default/ratings");
        assertThat(resource.locationOf("spec.hosts[0]")).isEqualTo(SourceLocation.of("<code>"));
    }

    @Test
    void theSpecMustMatchTheKind() {
        VirtualService spec = new VirtualService(null, null, null, null, null, null);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> Resource.of(ResourceKind.DESTINATION_RULE, ObjectMeta.of("default", "x"), spec))
                .withMessage("DestinationRule needs a DestinationRule spec, got io.inmesh.core.model.VirtualService");
    }
}
