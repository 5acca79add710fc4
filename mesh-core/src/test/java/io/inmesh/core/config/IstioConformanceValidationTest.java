package io.inmesh.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.model.ResourceKind;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Istio's own configuration (see {@link IstioCorpus}) passes semantic validation: no file has an
 * error. Loaded the way Istio uses it: a Bookinfo file
 * together with the DestinationRules the Bookinfo tasks apply first, Istio's config test data as
 * one set, as Istio's tests read it.
 */
class IstioConformanceValidationTest {

    private static final MeshConfig.LoadResult TEST_DATA = MeshConfig.load(List.of(IstioCorpus.path("testdata")));

    static Stream<String> bookinfoFiles() throws IOException {
        return files("bookinfo");
    }

    static Stream<String> testDataFiles() throws IOException {
        return files("testdata");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bookinfoFiles")
    void everyBookinfoFileIsValid(String file) {
        List<Path> paths = new ArrayList<>(List.of(IstioCorpus.path(file)));
        boolean definesDestinationRules = ConfigReader.create().read(paths).resources().stream()
                .anyMatch(resource -> resource.kind() == ResourceKind.DESTINATION_RULE);
        if (!definesDestinationRules) {
            paths.add(0, IstioCorpus.path("bookinfo/destination-rule-all.yaml"));
        }

        MeshConfig.LoadResult result = MeshConfig.load(paths);

        assertThat(result.diagnostics()).filteredOn(Diagnostic::isError).isEmpty();
        assertThat(result.isValid()).isTrue();
    }

    @Test
    void bookinfoWarnsOnlyAboutTheFaultRouteThatHidesTheNextOne() {
        MeshConfig.LoadResult result = MeshConfig.load(List.of(IstioCorpus.path("bookinfo/fault-injection-details-v1.yaml")));

        assertThat(relative(result.diagnostics())).containsExactly(
                "bookinfo/fault-injection-details-v1.yaml:18:5: warning: VirtualService/default/details: spec.http[1]:"
                        + " unreachable route (expected it before spec.http[0], which has no match and takes every request)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("testDataFiles")
    void everyTestDataFileIsValid(String file) {
        String name = file.substring(file.indexOf('/') + 1);
        assertThat(TEST_DATA.diagnostics())
                .filteredOn(Diagnostic::isError)
                .filteredOn(diagnostic -> diagnostic.location().source().endsWith(File.separator + name))
                .isEmpty();
    }

    /**
     * Istio's test data routes to subsets no DestinationRule defines ({@code c} in testns has none;
     * the rule of these files is for {@code c-weighted.extsvc.com}; nothing defines subsets of
     * {@code service3}). Istio accepts such rules and answers 503 on those routes; inmesh warns, as
     * {@code istioctl analyze} reports IST0101.
     */
    @Test
    void subsetsThatNoDestinationRuleDefinesAreWarnings() {
        String noRule = "; until then requests routed here fail with 503)";
        assertThat(relative(TEST_DATA.diagnostics())).filteredOn(line -> line.contains(".subset: ")).containsExactly(
                "testdata/rule-fault-injection.yaml:60:19: warning: VirtualService/testns/fault: spec.http[0].route[0].destination.subset:"
                        + " subset \"v2\" (expected a DestinationRule for host c.testns.svc.cluster.local that defines it; there is none" + noRule,
                "testdata/rule-ingressgateway.yaml:15:19: warning: VirtualService/testns/gateway-bound-route: spec.http[0].route[0].destination.subset:"
                        + " subset \"v2\" (expected a DestinationRule for host c.testns.svc.cluster.local that defines it; there is none" + noRule,
                "testdata/virtual-service-all.yaml:32:17: warning: VirtualService/testns/all: spec.http[1].route[0].destination.subset:"
                        + " subset \"v1\" (expected a DestinationRule for host service3.default.svc.cluster.local that defines it; there is none" + noRule,
                "testdata/virtual-service-all.yaml:36:17: warning: VirtualService/testns/all: spec.http[1].route[1].destination.subset:"
                        + " subset \"v2\" (expected a DestinationRule for host service3.default.svc.cluster.local that defines it; there is none" + noRule);
    }

    /**
     * Each file is an input of its own Istio test, so they are loaded one by one. What inmesh cannot
     * enforce fails closed: action CUSTOM and the Envoy filter condition. The dry-run annotations
     * are warnings: inmesh enforces those policies.
     */
    @Test
    void authorizationPoliciesThatInmeshCannotEnforceAreRejected() throws IOException {
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (String file : files("authz").toList()) {
            diagnostics.addAll(MeshConfig.load(List.of(IstioCorpus.path(file))).diagnostics());
        }

        assertThat(relative(diagnostics.stream().filter(Diagnostic::isError).toList())).containsExactly(
                "authz/allow-full-rule-in.yaml:78:16: error: AuthorizationPolicy/foo/httpbin-1: spec.rules[1].when[13].key:"
                        + " \"experimental.envoy.filters.a.b[c]\", Envoy filter metadata, which inmesh does not have"
                        + " (expected a condition key inmesh evaluates: request.headers[NAME], source.ip, remote.ip, source.namespace,"
                        + " source.principal, source.serviceAccount, request.auth.principal, request.auth.audiences,"
                        + " request.auth.presenter, request.auth.claims[NAME], destination.ip, destination.port, connection.sni)",
                customRejected("custom-bad-multiple-providers-in.yaml", 7, "httpbin-1"),
                customRejected("custom-bad-multiple-providers-in.yaml", 25, "httpbin-2"),
                customRejected("custom-simple-http-in.yaml", 7, "httpbin-1"),
                customRejected("custom-simple-http-in.yaml", 25, "httpbin-2"));
        assertThat(diagnostics).filteredOn(diagnostic -> !diagnostic.isError())
                .extracting(Diagnostic::field)
                .containsOnly("metadata.annotations[istio.io/dry-run]")
                .hasSize(5);
    }

    private static String customRejected(String file, int line, String name) {
        return "authz/" + file + ":" + line + ":11: error: AuthorizationPolicy/foo/" + name + ": spec.action:"
                + " unsupported: action CUSTOM is not implemented by inmesh (rejected rather than ignored: the external authorizer is not called)";
    }

    private static Stream<String> files(String folder) throws IOException {
        try (Stream<Path> list = Files.list(IstioCorpus.path(folder))) {
            return list.map(file -> folder + "/" + file.getFileName()).sorted().toList().stream();
        }
    }

    /** Formatted diagnostics with their source relative to the corpus, such as {@code testdata/none.yaml:30:5: ...}. */
    private static List<String> relative(List<Diagnostic> diagnostics) {
        String root = IstioCorpus.path("").toString();
        String prefix = root.endsWith(File.separator) ? root : root + File.separator;
        return diagnostics.stream().map(diagnostic -> diagnostic.format().replace(prefix, "").replace(File.separatorChar, '/')).toList();
    }
}
