package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.ValidationFixture.diagnostics;
import static io.inmesh.core.internal.validation.ValidationFixture.document;
import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.model.ObjectMeta;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rows of {@link UnsupportedFields} as diagnostics. (Other tests show more rows: corsPolicy, tcp,
 * delegate, targetRef, action CUSTOM, JWT claim routing, dry-run.) Spec line n is file line n + 6.
 */
class UnsupportedFieldsTest {

    @Test
    void everyRowNamesAFieldOfTheModel() {
        assertThat(UnsupportedFields.ENTRIES).allSatisfy(entry -> assertThat(fieldType(entry)).as(entry.path()).isNotNull());
    }

    /** The Java type of the field a row names, walking the model's record components; null when there is none. */
    private static Type fieldType(UnsupportedFields.Entry entry) {
        List<String> segments = UnsupportedFields.segments(entry.path());
        Type type = segments.get(0).equals("spec") ? entry.kind().specType() : ObjectMeta.class;
        for (String segment : segments.subList(1, segments.size())) {
            if (segment.startsWith("[")) {
                Type[] arguments = ((ParameterizedType) type).getActualTypeArguments();
                type = arguments[arguments.length - 1];
            } else {
                type = Arrays.stream(((Class<?>) type).getRecordComponents())
                        .filter(component -> component.getName().equals(segment))
                        .findFirst()
                        .map(RecordComponent::getGenericType)
                        .orElse(null);
                if (type == null) {
                    return null;
                }
            }
        }
        return type;
    }

    @Test
    void statPrefixIsIgnored() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - match:
                  - uri: {prefix: /}
                    statPrefix: reviews
                  route:
                  - destination: {host: reviews}
                """))).containsExactly(
                "test.yaml:11:19: warning: VirtualService/ns/test: spec.http[0].match[0].statPrefix: unsupported: statPrefix is ignored by inmesh");
    }

    @Test
    void deprecatedFaultPercentIsHonouredWithAWarning() {
        assertThat(diagnostics(document("VirtualService", """
                hosts: [reviews]
                http:
                - route:
                  - destination: {host: reviews}
                  fault:
                    delay: {fixedDelay: 1s, percent: 50}
                """))).containsExactly(
                "test.yaml:12:40: warning: VirtualService/ns/test: spec.http[0].fault.delay.percent: deprecated (still honoured when percentage is not set): use percentage");
    }

    @Test
    void connectionSettingsInmeshDoesNotApply() {
        assertThat(diagnostics(document("DestinationRule", """
                host: reviews
                trafficPolicy:
                  connectionPool:
                    tcp:
                      maxConnectionDuration: 1h
                      tcpKeepalive: {time: 7200s}
                    http: {maxConcurrentStreams: 100}
                  loadBalancer:
                    simple: ROUND_ROBIN
                    warmup: {duration: 30s}
                """))).containsExactly(
                "test.yaml:11:32: warning: DestinationRule/ns/test: spec.trafficPolicy.connectionPool.tcp.maxConnectionDuration: unsupported: maxConnectionDuration is ignored by inmesh",
                "test.yaml:12:9: warning: DestinationRule/ns/test: spec.trafficPolicy.connectionPool.tcp.tcpKeepalive: unsupported: tcpKeepalive is ignored by inmesh",
                "test.yaml:13:36: warning: DestinationRule/ns/test: spec.trafficPolicy.connectionPool.http.maxConcurrentStreams: unsupported: maxConcurrentStreams is ignored by inmesh");
    }

    @Test
    void sidecarEgressPortIsIgnored() {
        assertThat(diagnostics(document("Sidecar", """
                egress:
                - port: {number: 9080, protocol: HTTP, name: http}
                  bind: 127.0.0.1
                  captureMode: NONE
                  hosts: ["./*"]
                """))).containsExactly(
                "test.yaml:8:5: warning: Sidecar/ns/test: spec.egress[0].port: unsupported: port is ignored by inmesh (the listener's hosts apply to every port)",
                "test.yaml:9:11: warning: Sidecar/ns/test: spec.egress[0].bind: unsupported: bind is ignored by inmesh",
                "test.yaml:10:18: warning: Sidecar/ns/test: spec.egress[0].captureMode: unsupported: captureMode is ignored by inmesh");
    }

    @Test
    void gatewayDefaultEndpointIsIgnored() {
        assertThat(diagnostics(document("Gateway", """
                servers:
                - port: {number: 80, name: http, protocol: HTTP}
                  hosts: ["*"]
                  defaultEndpoint: 127.0.0.1:8080
                """))).containsExactly(
                "test.yaml:10:22: warning: Gateway/ns/test: spec.servers[0].defaultEndpoint: unsupported: defaultEndpoint is ignored by inmesh (Istio does not implement it either)");
    }
}
