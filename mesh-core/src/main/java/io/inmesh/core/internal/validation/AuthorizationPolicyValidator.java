package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.FieldChecks.at;
import static io.inmesh.core.internal.validation.FieldChecks.list;
import static io.inmesh.core.internal.validation.FieldChecks.quote;

import com.google.re2j.Pattern;
import io.inmesh.core.model.AuthorizationPolicy;
import io.inmesh.core.model.AuthorizationPolicy.Action;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Istio's checks of an AuthorizationPolicy. Conditions inmesh cannot evaluate are errors, never
 * skipped: a skipped condition would widen an ALLOW rule or narrow a DENY rule.
 */
final class AuthorizationPolicyValidator {

    /** Istio's documented condition keys that inmesh evaluates; keys with a name in brackets are listed with []. */
    private static final List<String> CONDITION_KEYS = List.of(
            "request.headers[]", "source.ip", "remote.ip", "source.namespace", "source.principal", "source.serviceAccount",
            "request.auth.principal", "request.auth.audiences", "request.auth.presenter", "request.auth.claims[]",
            "destination.ip", "destination.port", "connection.sni");

    private static final Set<String> IP_KEYS = Set.of("source.ip", "remote.ip", "destination.ip");
    private static final String DRY_RUN = "istio.io/dry-run";
    private static final Set<String> GO_BOOLEANS = Set.of("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False");
    private static final Pattern PATH_SEGMENT = Pattern.compile("[a-zA-Z0-9\\-._~%!$&'()+,;:@=]+");
    private static final int MAX_SERVICE_ACCOUNTS = 16;
    private static final int MAX_SERVICE_ACCOUNT_LENGTH = 320;

    private AuthorizationPolicyValidator() {
    }

    static void validate(FieldChecks check, AuthorizationPolicy spec) {
        Action action = spec.action() == null ? Action.ALLOW : spec.action();
        check.atMostOne("spec", "selector", spec.selector(), "targetRef", spec.targetRef(), "targetRefs", spec.targetRefs());
        if (spec.selector() != null) {
            check.selector("spec.selector.matchLabels", spec.selector().matchLabels());
        }
        if (spec.provider() != null && action != Action.CUSTOM) {
            check.error("spec.provider", "provider with action " + action, "a provider only with action CUSTOM");
        }
        List<AuthorizationPolicy.Rule> rules = list(spec.rules());
        if (action == Action.DENY && rules.isEmpty()) {
            check.error("spec.rules", "action DENY without rules", "at least one rule; an empty rule {} denies every request");
        }
        for (int i = 0; i < rules.size(); i++) {
            rule(check, at("spec.rules", i), rules.get(i));
        }
        String dryRun = check.resource().metadata().annotations().get(DRY_RUN);
        if (dryRun != null) {
            String path = at("metadata.annotations", DRY_RUN);
            if (action != Action.ALLOW && action != Action.DENY) {
                check.error(path, DRY_RUN + " with action " + action, "it only with action ALLOW or DENY");
            } else if (!GO_BOOLEANS.contains(dryRun)) {
                check.error(path, quote(dryRun), "true or false");
            }
        }
    }

    private static void rule(FieldChecks check, String path, AuthorizationPolicy.Rule rule) {
        List<AuthorizationPolicy.From> from = list(rule.from());
        for (int j = 0; j < from.size(); j++) {
            source(check, at(path + ".from", j) + ".source", from.get(j).source());
        }
        List<AuthorizationPolicy.To> to = list(rule.to());
        for (int j = 0; j < to.size(); j++) {
            operation(check, at(path + ".to", j) + ".operation", to.get(j).operation());
        }
        List<AuthorizationPolicy.Condition> when = list(rule.when());
        for (int j = 0; j < when.size(); j++) {
            condition(check, at(path + ".when", j), when.get(j));
        }
    }

    private static void source(FieldChecks check, String path, AuthorizationPolicy.Source source) {
        if (source == null) {
            check.error(path, "missing", "a source with at least one field");
            return;
        }
        Map<String, List<String>> fields = lists(
            "principals", source.principals(), "notPrincipals", source.notPrincipals(),
            "requestPrincipals", source.requestPrincipals(), "notRequestPrincipals", source.notRequestPrincipals(),
            "namespaces", source.namespaces(), "notNamespaces", source.notNamespaces(),
            "ipBlocks", source.ipBlocks(), "notIpBlocks", source.notIpBlocks(),
            "remoteIpBlocks", source.remoteIpBlocks(), "notRemoteIpBlocks", source.notRemoteIpBlocks(),
            "serviceAccounts", source.serviceAccounts(), "notServiceAccounts", source.notServiceAccounts(),
            "trustDomains", source.trustDomains(), "notTrustDomains", source.notTrustDomains());
        if (fields.values().stream().allMatch(List::isEmpty)) {
            check.error(path, "empty source", "at least one field such as principals or namespaces");
        }
        boolean identities = !list(source.principals()).isEmpty() || !list(source.notPrincipals()).isEmpty()
                || !list(source.namespaces()).isEmpty() || !list(source.notNamespaces()).isEmpty();
        boolean accounts = !list(source.serviceAccounts()).isEmpty() || !list(source.notServiceAccounts()).isEmpty();
        if (identities && accounts) {
            check.error(path + (list(source.serviceAccounts()).isEmpty() ? ".notServiceAccounts" : ".serviceAccounts"),
                    "serviceAccounts with principals or namespaces", "serviceAccounts alone, or principals and namespaces");
        }
        nonEmptyValues(check, path, fields);
        for (String field : List.of("ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks")) {
            List<String> blocks = fields.get(field);
            for (int k = 0; k < blocks.size(); k++) {
                if (!blocks.get(k).isEmpty()) {
                    check.ipOrCidr(at(path + "." + field, k), blocks.get(k));
                }
            }
        }
        serviceAccounts(check, path + ".serviceAccounts", list(source.serviceAccounts()));
        serviceAccounts(check, path + ".notServiceAccounts", list(source.notServiceAccounts()));
    }

    private static void operation(FieldChecks check, String path, AuthorizationPolicy.Operation operation) {
        if (operation == null) {
            check.error(path, "missing", "an operation with at least one field");
            return;
        }
        Map<String, List<String>> fields = lists(
            "hosts", operation.hosts(), "notHosts", operation.notHosts(), "ports", operation.ports(), "notPorts", operation.notPorts(),
            "methods", operation.methods(), "notMethods", operation.notMethods(), "paths", operation.paths(), "notPaths", operation.notPaths());
        if (fields.values().stream().allMatch(List::isEmpty)) {
            check.error(path, "empty operation", "at least one field such as paths or methods");
        }
        nonEmptyValues(check, path, fields);
        for (String field : List.of("ports", "notPorts")) {
            ports(check, path + "." + field, fields.get(field));
        }
        for (String field : List.of("paths", "notPaths")) {
            List<String> paths = fields.get(field);
            for (int k = 0; k < paths.size(); k++) {
                pathTemplate(check, at(path + "." + field, k), paths.get(k));
            }
        }
    }

    private static void condition(FieldChecks check, String path, AuthorizationPolicy.Condition condition) {
        String key = condition.key();
        if (key == null || key.isEmpty()) {
            check.error(path + ".key", "missing", "a condition key");
            return;
        }
        if (list(condition.values()).isEmpty() && list(condition.notValues()).isEmpty()) {
            check.error(path, "no values or notValues for " + quote(key), "at least one of values, notValues");
            return;
        }
        if (!conditionKey(check, path + ".key", key)) {
            return;
        }
        for (String field : List.of("values", "notValues")) {
            List<String> values = list(field.equals("values") ? condition.values() : condition.notValues());
            String valuesPath = path + "." + field;
            for (int k = 0; k < values.size(); k++) {
                if (values.get(k).isEmpty()) {
                    check.error(at(valuesPath, k), quote(""), "a non-empty value");
                } else if (IP_KEYS.contains(key)) {
                    check.ipOrCidr(at(valuesPath, k), values.get(k));
                }
            }
            if (key.equals("destination.port")) {
                ports(check, valuesPath, values);
            } else if (key.equals("source.serviceAccount")) {
                serviceAccounts(check, valuesPath, values);
            }
        }
    }

    /** Whether inmesh evaluates {@code key}; reports an error when it does not. */
    private static boolean conditionKey(FieldChecks check, String path, String key) {
        String expectation = "a condition key inmesh evaluates: " + String.join(", ", CONDITION_KEYS).replace("[]", "[NAME]");
        for (String known : CONDITION_KEYS) {
            if (known.endsWith("[]") && key.startsWith(known.substring(0, known.length() - 2))) {
                String prefix = known.substring(0, known.length() - 2);
                boolean named = key.length() > prefix.length() + 2 && key.charAt(prefix.length()) == '[' && key.endsWith("]");
                if (!named) {
                    check.error(path, quote(key), prefix + "[NAME]");
                }
                return named;
            }
            if (known.equals(key)) {
                return true;
            }
        }
        if (key.equals("destination.namespace") || key.startsWith("destination.labels")) {
            check.error(path, quote(key), "the policy's namespace and selector, which replace this key");
        } else if (key.startsWith("experimental.envoy.filters.")) {
            check.error(path, quote(key) + ", Envoy filter metadata, which inmesh does not have", expectation);
        } else {
            check.error(path, "unknown key " + quote(key), expectation);
        }
        return false;
    }

    private static void ports(FieldChecks check, String path, List<String> ports) {
        for (int k = 0; k < ports.size(); k++) {
            String port = ports.get(k);
            boolean valid = !port.isEmpty() && port.length() <= 5 && port.chars().allMatch(Character::isDigit) && Integer.parseInt(port) <= 65535;
            if (!port.isEmpty() && !valid) {
                check.error(at(path, k), quote(port), "a port number 0..65535");
            }
        }
    }

    private static void serviceAccounts(FieldChecks check, String path, List<String> accounts) {
        if (accounts.size() > MAX_SERVICE_ACCOUNTS) {
            check.error(path, accounts.size() + " service accounts", "at most " + MAX_SERVICE_ACCOUNTS);
        }
        for (int k = 0; k < accounts.size(); k++) {
            String account = accounts.get(k);
            String[] parts = account.split("/", -1);
            if (account.contains("*")) {
                check.error(at(path, k), quote(account), "a service account without wildcard");
            } else if (account.length() > MAX_SERVICE_ACCOUNT_LENGTH) {
                check.error(at(path, k), "service account of " + account.length() + " characters", "at most " + MAX_SERVICE_ACCOUNT_LENGTH);
            } else if (!account.isEmpty() && (parts.length > 2 || parts[0].isEmpty() || parts[parts.length - 1].isEmpty())) {
                check.error(at(path, k), quote(account), "serviceAccount or namespace/serviceAccount");
            }
        }
    }

    /** Istio's path templates: {*} and {**} as whole segments, {**} last, plain segments of URL characters. */
    private static void pathTemplate(FieldChecks check, String path, String value) {
        if (!value.contains("{*}") && !value.contains("{**}")) {
            return;
        }
        int anyMany = value.indexOf("{**}");
        String expectation = "a path template of literal segments, {*} and a final {**}";
        if (anyMany >= 0 && value.indexOf("{*", anyMany + 1) >= 0) {
            check.error(path, quote(value), expectation);
            return;
        }
        for (String segment : value.split("/")) {
            if (!segment.isEmpty() && !segment.equals("{*}") && !segment.equals("{**}") && !PATH_SEGMENT.matches(segment)) {
                check.error(path, quote(value) + " with segment " + quote(segment), expectation);
                return;
            }
        }
    }

    private static void nonEmptyValues(FieldChecks check, String path, Map<String, List<String>> fields) {
        fields.forEach((name, values) -> {
            for (int k = 0; k < values.size(); k++) {
                if (values.get(k).isEmpty()) {
                    check.error(at(path + "." + name, k), quote(""), "a non-empty value");
                }
            }
        });
    }

    /** The string lists of a Source or Operation by field name, in declaration order. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> lists(Object... namesAndLists) {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        for (int i = 0; i < namesAndLists.length; i += 2) {
            lists.put((String) namesAndLists[i], list((List<String>) namesAndLists[i + 1]));
        }
        return lists;
    }
}
