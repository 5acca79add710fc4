package io.inmesh.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inmesh.core.model.Sidecar.OutboundTrafficPolicy.Mode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshSettingsTest {

    private static final Path BASE = Path.of("conf");

    private static MeshSettings parse(String yaml) {
        return MeshSettings.fromYaml("mesh.yaml", yaml, BASE);
    }

    /** The exception's message: one formatted diagnostic per line. */
    private static String problems(String yaml) {
        return messageOf(() -> parse(yaml));
    }

    private static String messageOf(Runnable read) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(read::run);
        assertThat(thrown).isInstanceOf(MeshSettingsException.class);
        return thrown.getMessage();
    }

    @Nested
    class FromYaml {

        @Test
        void readsAFullFileWithConfigPathsRelativeToItsDirectory(@TempDir Path dir) throws IOException {
            Path meshYaml = Files.writeString(dir.resolve("mesh.yaml"), """
                    workload:
                      name: productpage-v1
                      namespace: bookinfo
                      serviceAccount: bookinfo-productpage
                      labels: {app: productpage, version: v1}
                    outboundTrafficPolicy: REGISTRY_ONLY   # or ALLOW_ANY
                    config:                             # rule files or directories, relative to mesh.yaml
                      - rules/
                      - ../shared/extra.yaml
                      - /etc/inmesh/rules
                    lastGoodRules: state/rules.bin      # kept across restarts, relative to mesh.yaml
                    """);

            MeshSettings settings = MeshSettings.fromFile(meshYaml);

            assertThat(settings.workload()).isEqualTo(new LocalWorkload("productpage-v1", "bookinfo",
                    Map.of("app", "productpage", "version", "v1"), "bookinfo-productpage"));
            assertThat(settings.outboundTrafficPolicy()).isEqualTo(Mode.REGISTRY_ONLY);
            assertThat(settings.configPaths()).containsExactly(
                    dir.resolve("rules"), dir.getParent().resolve("shared/extra.yaml"), Path.of("/etc/inmesh/rules"));
            assertThat(settings.lastGoodRules()).isEqualTo(dir.resolve("state/rules.bin"));
        }

        @Test
        void aBadLastGoodRulesPathIsAnErrorAtIt() {
            assertThat(problems("workload: {name: a}\nlastGoodRules: [a, b]\n"))
                    .isEqualTo("mesh.yaml:2:16: error: lastGoodRules: expected a file, got a list");
            assertThat(problems("workload: {name: a}\nlastGoodRules: \"\"\n"))
                    .isEqualTo("mesh.yaml:2:16: error: lastGoodRules: empty path (expected a file, relative to this file's directory)");
            assertThat(parse("workload: {name: a}\nlastGoodRules:\n").lastGoodRules()).isNull();
        }

        @Test
        void aFileInTheWorkingDirectoryKeepsRelativePathsRelative(@TempDir Path dir) throws IOException {
            Path meshYaml = Files.writeString(dir.resolve("mesh.yaml"), "workload: {name: a}\nconfig: [rules]\n");
            Path relative = Path.of("").toAbsolutePath().relativize(meshYaml);

            assertThat(MeshSettings.fromFile(relative).configPaths()).containsExactly(relative.resolveSibling("rules"));
        }

        @Test
        void onlyTheNameIsRequired() {
            MeshSettings settings = parse("workload:\n  name: details-v1\n");

            assertThat(settings).isEqualTo(new MeshSettings(
                    new LocalWorkload("details-v1", "default", Map.of(), "default"), Mode.ALLOW_ANY, List.of()));
        }

        @Test
        void takesIstioMeshConfigsOwnFormOfThePolicy() {
            assertThat(parse("workload: {name: a}\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}\n").outboundTrafficPolicy())
                    .isEqualTo(Mode.REGISTRY_ONLY);
        }

        @Test
        void emptyListsAndMapsMayBeWrittenAsNothing() {
            MeshSettings settings = parse("workload:\n  name: a\n  labels:\nconfig:\n");

            assertThat(settings.workload().labels()).isEmpty();
            assertThat(settings.configPaths()).isEmpty();
        }

        @Test
        void anUnknownFieldIsAnErrorAtItsKeyThatListsTheExpectedOnes() {
            assertThat(problems("""
                    workload:
                      name: productpage-v1
                      nmae: productpage
                    """)).isEqualTo("mesh.yaml:3:3: error: workload.nmae: unknown field"
                    + " (expected one of: name, namespace, serviceAccount, labels)");
            assertThat(problems("workload: {name: a}\nrules: [x]\n")).isEqualTo(
                    "mesh.yaml:2:1: error: rules: unknown field (expected one of: workload, outboundTrafficPolicy, config, lastGoodRules,"
                            + " controlPlane)");
            assertThat(problems("workload: {name: a}\noutboundTrafficPolicy: {mode: ALLOW_ANY, egressProxy: {}}\n"))
                    .isEqualTo("mesh.yaml:2:42: error: outboundTrafficPolicy.egressProxy: unknown field (expected one of: mode)");
        }

        @Test
        void valuesOfTheWrongTypeSayWhatWasFoundAndExpected() {
            assertThat(problems("""
                    workload:
                      name: 42
                      namespace: [bookinfo]
                      labels: [app]
                    outboundTrafficPolicy: true
                    config: rules/
                    """)).isEqualTo(String.join("\n",
                    "mesh.yaml:2:9: error: workload.name: expected a string, got integer 42 (quote it: \"42\")",
                    "mesh.yaml:3:14: error: workload.namespace: expected a string, got a list",
                    "mesh.yaml:4:11: error: workload.labels: expected a map of label keys to values, got a list",
                    "mesh.yaml:5:24: error: outboundTrafficPolicy: expected one of ALLOW_ANY, REGISTRY_ONLY or {mode: ...},"
                            + " got boolean true",
                    "mesh.yaml:6:9: error: config: expected a list of files and directories, got \"rules/\""
                            + " (write it as a list item: - path)"));
        }

        @Test
        void labelValuesMustBeStringsAsKubernetesRequires() {
            assertThat(problems("workload:\n  name: a\n  labels: {version: 1, canary: true}\n")).isEqualTo(String.join("\n",
                    "mesh.yaml:3:21: error: workload.labels[version]: expected a string, got integer 1 (quote it: \"1\")",
                    "mesh.yaml:3:32: error: workload.labels[canary]: expected a string, got boolean true (quote it: \"true\")"));
        }

        @Test
        void namesAreCheckedAsKubernetesChecksThem() {
            assertThat(problems("""
                    workload:
                      name: ProductPage_v1
                      namespace: bookinfo.prod
                      serviceAccount: -sa
                      labels: {"app/x/y": a, version: "-v1"}
                    """)).isEqualTo(String.join("\n",
                    "mesh.yaml:2:9: error: workload.name: invalid name \"ProductPage_v1\" (expected a DNS-1123 label:"
                            + " lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)",
                    "mesh.yaml:3:14: error: workload.namespace: invalid namespace \"bookinfo.prod\" (expected a DNS-1123 label:"
                            + " lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)",
                    "mesh.yaml:4:19: error: workload.serviceAccount: invalid service account \"-sa\" (expected a DNS-1123 subdomain:"
                            + " lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)",
                    "mesh.yaml:5:12: error: workload.labels[app/x/y]: invalid label key \"app/x/y\" (expected an optional DNS"
                            + " subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending"
                            + " with a letter or digit)",
                    "mesh.yaml:5:35: error: workload.labels[version]: invalid label value \"-v1\" for key \"version\" (expected"
                            + " at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, or empty)"));
        }

        @Test
        void aLabelKeyMayHaveADnsPrefixAndAValueMayBeEmpty() {
            assertThat(parse("workload:\n  name: a\n  labels: {app.kubernetes.io/name: reviews, track: \"\"}\n").workload().labels())
                    .containsExactlyInAnyOrderEntriesOf(Map.of("app.kubernetes.io/name", "reviews", "track", ""));
        }

        @Test
        void anUnknownPolicyListsTheModes() {
            assertThat(problems("workload: {name: a}\noutboundTrafficPolicy: allow_any\n")).isEqualTo(
                    "mesh.yaml:2:24: error: outboundTrafficPolicy: unknown value \"allow_any\" (expected one of: ALLOW_ANY, REGISTRY_ONLY)");
        }

        @Test
        void missingPartsAreErrorsWhereTheyShouldBe() {
            assertThat(problems("outboundTrafficPolicy: ALLOW_ANY\n")).isEqualTo(
                    "mesh.yaml:1:1: error: workload: missing (expected an object with at least a name)");
            assertThat(problems("workload:\n  namespace: bookinfo\n")).isEqualTo(
                    "mesh.yaml:2:3: error: workload.name: missing (expected the workload's name, such as productpage-v1)");
            assertThat(problems("workload:\n")).isEqualTo(
                    "mesh.yaml:1:10: error: workload: expected an object (name, namespace, serviceAccount, labels), got null");
            assertThat(problems("# nothing yet\n")).isEqualTo(
                    "mesh.yaml: error: no settings (expected an object with workload, outboundTrafficPolicy, config, lastGoodRules,"
                    + " controlPlane)");
            assertThat(problems("- workload\n")).isEqualTo(
                    "mesh.yaml:1:1: error: expected an object (workload, outboundTrafficPolicy, config, lastGoodRules, controlPlane), got a list");
        }

        @Test
        void duplicatesAreErrorsThatPointAtTheFirst() {
            assertThat(problems("""
                    workload:
                      name: a
                      labels: {app: x, app: y}
                      name: b
                    """)).isEqualTo(String.join("\n",
                    "mesh.yaml:3:20: error: workload.labels[app]: duplicate key (first written at line 3)",
                    "mesh.yaml:4:3: error: workload.name: duplicate field (first written at line 2)"));
        }

        @Test
        void badConfigEntriesAreErrorsByIndex() {
            assertThat(problems("workload: {name: a}\nconfig: [rules, 7, \"\", {dir: x}]\n")).isEqualTo(String.join("\n",
                    "mesh.yaml:2:17: error: config[1]: expected a file or directory, got integer 7",
                    "mesh.yaml:2:20: error: config[2]: empty path (expected a file or directory, relative to this file's directory)",
                    "mesh.yaml:2:24: error: config[3]: expected a file or directory, got an object"));
        }

        @Test
        void aSyntaxErrorHasItsPosition() {
            assertThat(problems("workload:\n  name: [a\n")).startsWith("mesh.yaml:3:1: error: YAML syntax error: ");
        }

        @Test
        void moreThanOneDocumentIsAnError() {
            assertThat(problems("workload: {name: a}\n---\nworkload: {name: b}\n"))
                    .startsWith("mesh.yaml:2:1: error: YAML syntax error: expected a single document in the stream");
        }

        @Test
        void tagsAreRefusedNeverConstructed() {
            assertThat(problems("""
                    workload: !!javax.script.ScriptEngineManager
                      name: a
                    """)).isEqualTo(
                    "mesh.yaml:1:11: error: unsupported tag !!javax.script.ScriptEngineManager (expected plain YAML without tags)");
            assertThat(problems("""
                    workload: {name: a}
                    config: [!secret rules, !!str lib/]
                    """)).isEqualTo("mesh.yaml:2:10: error: unsupported tag !secret (expected plain YAML without tags)");
        }

        @Test
        void aliasBombsAreRefusedByTheLimits() {
            StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
            for (char c = 'b'; c <= 'z'; c++) {
                char previous = (char) (c - 1);
                yaml.append(c).append(": &").append(c).append(" [").append(("*" + previous + ", ").repeat(9)).append('*').append(previous).append("]\n");
            }
            assertThat(problems(yaml.toString())).startsWith("mesh.yaml: error: YAML refused: Number of aliases for non-scalar nodes exceeds the specified max=20");
        }

        @Test
        void aMissingFileIsAnExceptionThatNamesIt(@TempDir Path dir) {
            Path missing = dir.resolve("mesh.yaml");

            assertThat(messageOf(() -> MeshSettings.fromFile(missing))).isEqualTo(missing + ": error: cannot read: no such file");
        }

        @Test
        void theExceptionCarriesEveryDiagnostic() {
            assertThatThrownBy(() -> parse("workload: {nmae: a}\n"))
                    .isInstanceOfSatisfying(MeshSettingsException.class, e -> assertThat(e.diagnostics())
                            .extracting(d -> d.location().line(), d -> d.field())
                            .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "workload.name"),
                                    org.assertj.core.groups.Tuple.tuple(1, "workload.nmae")));
        }
        @Test
        void readsAControlPlaneWithItsTokenFileRelativeToTheFile() {
            MeshSettings settings = parse("""
                    workload: {name: productpage-v1}
                    controlPlane:
                      urls: [http://cp-a:15080, https://cp-b:15443/mesh]
                      tokenFile: secrets/token
                      instance: productpage-v1-7f9c
                    """);
            assertThat(settings.controlPlane()).isEqualTo(new MeshSettings.ControlPlane(
                    List.of(URI.create("http://cp-a:15080"), URI.create("https://cp-b:15443/mesh")),
                    BASE.resolve("secrets/token"), "productpage-v1-7f9c"));
            assertThat(settings.configPaths()).isEmpty();
            assertThat(parse("workload: {name: a}\ncontrolPlane: {urls: [http://cp:15080]}\n").controlPlane())
                    .isEqualTo(new MeshSettings.ControlPlane(List.of(URI.create("http://cp:15080")), null, null));
        }

        @Test
        void aControlPlaneNeedsUsableUrlsAndExcludesConfig() {
            assertThat(problems("workload: {name: a}\ncontrolPlane: {tokenFile: t}\n")).isEqualTo(
                    "mesh.yaml:2:15: error: controlPlane.urls: missing (expected a list of URLs, such as [http://control-plane:15080])");
            assertThat(problems("workload: {name: a}\ncontrolPlane: {urls: [ftp://cp, 'http://cp:1/?a=b', 15080]}\n")).isEqualTo(
                    String.join("\n",
                    "mesh.yaml:2:23: error: controlPlane.urls[0]: invalid URL \"ftp://cp\" (expected an absolute http:// or https://"
                            + " URL, such as http://control-plane:15080, without query or fragment)",
                    "mesh.yaml:2:33: error: controlPlane.urls[1]: invalid URL \"http://cp:1/?a=b\" (expected an absolute http://"
                            + " or https:// URL, such as http://control-plane:15080, without query or fragment)",
                    "mesh.yaml:2:53: error: controlPlane.urls[2]: expected a string, got integer 15080 (quote it: \"15080\")"));
            assertThat(problems("workload: {name: a}\nconfig: [rules/]\ncontrolPlane: {urls: [http://cp:15080], token: x}\n"))
                    .isEqualTo(String.join("\n",
                    "mesh.yaml:3:1: error: controlPlane: set together with config (expected either config or controlPlane:"
                            + " a mesh has one config source)",
                    "mesh.yaml:3:41: error: controlPlane.token: unknown field (expected one of: urls, tokenFile, instance)"));
        }

    }

    @Nested
    class FromEnvironment {

        @Test
        void readsAControlPlaneAndTakesThePodNameAsItsInstance() {
            MeshSettings settings = MeshSettings.fromEnvironment(Map.of("INMESH_WORKLOAD_NAME", "reviews-v2",
                    "INMESH_CONTROL_PLANE", "http://cp-a:15080, http://cp-b:15080", "INMESH_CONTROL_PLANE_TOKEN_FILE", "/var/run/token",
                    "HOSTNAME", "reviews-v2-5d8f"));
            assertThat(settings.controlPlane()).isEqualTo(new MeshSettings.ControlPlane(
                    List.of(URI.create("http://cp-a:15080"), URI.create("http://cp-b:15080")), Path.of("/var/run/token"), "reviews-v2-5d8f"));
            assertThat(MeshSettings.fromEnvironment(Map.of("INMESH_WORKLOAD_NAME", "a", "INMESH_CONTROL_PLANE", "http://cp:1",
                    "INMESH_INSTANCE", "a-1", "HOSTNAME", "ignored")).controlPlane().instance()).isEqualTo("a-1");
            assertThat(messageOf(() -> MeshSettings.fromEnvironment(Map.of("INMESH_WORKLOAD_NAME", "a",
                    "INMESH_CONTROL_PLANE", "cp:15080", "INMESH_CONFIG", "rules")))).isEqualTo(String.join("\n",
                    "environment: error: INMESH_CONTROL_PLANE: invalid URL \"cp:15080\" (expected an absolute http:// or https:// URL,"
                            + " such as http://control-plane:15080, without query or fragment)",
                    "environment: error: INMESH_CONTROL_PLANE: no URL (expected an absolute http:// or https:// URL,"
                            + " such as http://control-plane:15080, without query or fragment)",
                    "environment: error: INMESH_CONTROL_PLANE: set together with INMESH_CONFIG (expected either INMESH_CONFIG"
                            + " or INMESH_CONTROL_PLANE: a mesh has one config source)"));
        }

        @Test
        void readsEveryVariable() {
            MeshSettings settings = MeshSettings.fromEnvironment(Map.of(
                    "INMESH_WORKLOAD_NAME", "reviews-v2",
                    "INMESH_NAMESPACE", "bookinfo",
                    "INMESH_SERVICE_ACCOUNT", "bookinfo-reviews",
                    "INMESH_LABELS", "app=reviews, version=v2",
                    "INMESH_OUTBOUND_TRAFFIC_POLICY", "REGISTRY_ONLY",
                    "INMESH_CONFIG", String.join(File.pathSeparator, "rules", "", "/etc/inmesh/extra.yaml", ""),
                    "INMESH_LAST_GOOD_RULES", "/var/lib/inmesh/rules.bin"));

            assertThat(settings).isEqualTo(new MeshSettings(
                    new LocalWorkload("reviews-v2", "bookinfo", Map.of("app", "reviews", "version", "v2"), "bookinfo-reviews"),
                    Mode.REGISTRY_ONLY, List.of(Path.of("rules"), Path.of("/etc/inmesh/extra.yaml")),
                    Path.of("/var/lib/inmesh/rules.bin")));
        }

        @Test
        void onlyTheNameIsRequired() {
            assertThat(MeshSettings.fromEnvironment(Map.of("INMESH_WORKLOAD_NAME", "ratings-v1", "INMESH_LABELS", "")))
                    .isEqualTo(new MeshSettings(LocalWorkload.of("ratings-v1", "default", Map.of()), Mode.ALLOW_ANY, List.of()));
        }

        @Test
        void theNamespaceFallsBackToTheDownwardApisPodNamespace() {
            assertThat(MeshSettings.fromEnvironment(Map.of("INMESH_WORKLOAD_NAME", "a", "POD_NAMESPACE", "bookinfo"))
                    .workload().namespace()).isEqualTo("bookinfo");
            assertThat(MeshSettings.fromEnvironment(Map.of("INMESH_WORKLOAD_NAME", "a", "POD_NAMESPACE", "bookinfo",
                    "INMESH_NAMESPACE", "staging")).workload().namespace()).isEqualTo("staging");
            assertThat(MeshSettings.fromEnvironment(Map.of("INMESH_WORKLOAD_NAME", "a", "POD_NAMESPACE", "bookinfo",
                    "INMESH_NAMESPACE", "")).workload().namespace()).isEqualTo("bookinfo");
        }

        @Test
        void everyProblemIsReportedWithTheVariableThatHasIt() {
            assertThat(messageOf(() -> MeshSettings.fromEnvironment(Map.of(
                    "POD_NAMESPACE", "Bookinfo",
                    "INMESH_LABELS", "app=reviews,version,app=ratings,-x=1",
                    "INMESH_OUTBOUND_TRAFFIC_POLICY", "allow_any")))).isEqualTo(String.join("\n",
                    "environment: error: INMESH_WORKLOAD_NAME: missing (expected the workload's name, such as productpage-v1)",
                    "environment: error: POD_NAMESPACE: invalid namespace \"Bookinfo\" (expected a DNS-1123 label:"
                            + " lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)",
                    "environment: error: INMESH_LABELS: entry \"version\" is not key=value (expected key=value pairs"
                            + " separated by commas, such as app=productpage,version=v1)",
                    "environment: error: INMESH_LABELS: duplicate label key \"app\" (expected each key once)",
                    "environment: error: INMESH_LABELS: invalid label key \"-x\" (expected an optional DNS subdomain prefix"
                            + " and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)",
                    "environment: error: INMESH_OUTBOUND_TRAFFIC_POLICY: unknown value \"allow_any\" (expected one of:"
                            + " ALLOW_ANY, REGISTRY_ONLY)"));
        }

        @Test
        void anInvalidNameOrServiceAccountIsAnError() {
            assertThat(messageOf(() -> MeshSettings.fromEnvironment(Map.of(
                    "INMESH_WORKLOAD_NAME", "reviews_v2", "INMESH_SERVICE_ACCOUNT", "Reviews")))).isEqualTo(String.join("\n",
                    "environment: error: INMESH_WORKLOAD_NAME: invalid name \"reviews_v2\" (expected a DNS-1123 label:"
                            + " lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)",
                    "environment: error: INMESH_SERVICE_ACCOUNT: invalid service account \"Reviews\" (expected a DNS-1123"
                            + " subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit,"
                            + " at most 253 characters)"));
        }

        @Test
        void theProcessEnvironmentIsReadTheSameWay() {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(MeshSettings::fromEnvironment);
            if (System.getenv("INMESH_WORKLOAD_NAME") == null || System.getenv("INMESH_WORKLOAD_NAME").isEmpty()) {
                assertThat(thrown).isInstanceOf(MeshSettingsException.class).hasMessageContaining("INMESH_WORKLOAD_NAME: missing");
            } else {
                assertThat(thrown == null || thrown instanceof MeshSettingsException).isTrue();
            }
        }
    }
}
