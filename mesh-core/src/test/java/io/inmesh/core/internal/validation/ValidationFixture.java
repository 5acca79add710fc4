package io.inmesh.core.internal.validation;

import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.model.ResourceKind;
import java.util.List;

/**
 * Builds one-resource YAML documents for validation tests and loads them through
 * {@link MeshConfig#load(String, String)}, the way {@code mesh validate} does.
 *
 * <p>A document made by {@link #document} is named {@code ns/test} and read as {@value #SOURCE}; its
 * spec is indented by two spaces and starts on line 7, so a spec line {@code n} is file line
 * {@code n + 6} and a spec column {@code c} is file column {@code c + 2}.
 */
final class ValidationFixture {

    static final String SOURCE = "test.yaml";

    private ValidationFixture() {
    }

    /** A document of {@code kind} named {@code ns/test} with {@code spec} as its spec. */
    static String document(String kind, String spec) {
        ResourceKind resourceKind = ResourceKind.byName(kind).orElseThrow();
        return "apiVersion: " + resourceKind.group().apiVersions().get(0) + "\n"
                + "kind: " + kind + "\n"
                + "metadata:\n"
                + "  name: test\n"
                + "  namespace: ns\n"
                + "spec:\n"
                + spec.indent(2);
    }

    /** Every diagnostic of loading {@code yaml}, formatted as {@code mesh validate} prints it. */
    static List<String> diagnostics(String yaml) {
        return MeshConfig.load(SOURCE, yaml).diagnostics().stream().map(Diagnostic::format).toList();
    }
}
