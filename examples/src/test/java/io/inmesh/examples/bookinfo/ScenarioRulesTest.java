package io.inmesh.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import io.inmesh.core.config.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every built-in scenario's rules, and its clean-up, apply as written: the mesh accepts them, with no warning. */
class ScenarioRulesTest {

    private final RulesDirectory rules = RulesDirectory.createTemporary();

    @AfterEach
    void deleteDirectory() {
        rules.close();
    }

    @Test
    void eachScenariosRulesAndCleanUpApplyWithoutFindings() throws Exception {
        rules.apply(Bookinfo.istioRules("destination-rule-all.yaml"));
        for (Scenario scenario : Scenario.builtIn()) {
            for (RulesDirectory.RuleText text : concat(scenario.rules(), scenario.cleanup())) {
                RulesDirectory.Applied applied = rules.apply(text);
                assertThat(applied.diagnostics()).as("%s: %s", scenario.id(), text.name())
                        .extracting(Diagnostic::format).isEmpty();
            }
        }
    }

    @Test
    void everyBundledFileIsOnTheClassPathAndTheTaskFilesNameTheirIstioPage() {
        for (String file : Bookinfo.bundledRuleFiles()) {
            String yaml = Bookinfo.istioRules(file).yaml();
            if (file.startsWith("task-")) {
                assertThat(yaml).as(file).contains("istio.io/latest/docs/tasks/traffic-management/");
            }
        }
    }

    @Test
    void theAbortFileIsIstiosSample() {
        assertThat(Bookinfo.istioRules("virtual-service-ratings-test-abort.yaml").yaml()).isEqualTo("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: ratings
                spec:
                  hosts:
                  - ratings
                  http:
                  - match:
                    - headers:
                        end-user:
                          exact: jason
                    fault:
                      abort:
                        percentage:
                          value: 100.0
                        httpStatus: 500
                    route:
                    - destination:
                        host: ratings
                        subset: v1
                  - route:
                    - destination:
                        host: ratings
                        subset: v1
                """);
    }

    private static List<RulesDirectory.RuleText> concat(List<RulesDirectory.RuleText> first, List<RulesDirectory.RuleText> second) {
        return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
    }
}
