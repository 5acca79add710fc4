package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.FieldChecks.at;
import static io.inmesh.core.internal.validation.FieldChecks.isEmpty;
import static io.inmesh.core.internal.validation.FieldChecks.list;
import static io.inmesh.core.internal.validation.FieldChecks.quote;

import io.inmesh.core.model.Sidecar;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Istio's checks of a Sidecar: its selector, egress listeners and outbound traffic policy. */
final class SidecarValidator {

    private static final String UNIX_PREFIX = "unix://";

    private SidecarValidator() {
    }

    static void validate(FieldChecks check, Sidecar spec) {
        if (spec.workloadSelector() != null) {
            check.selector("spec.workloadSelector.labels", spec.workloadSelector().labels());
        }
        List<Sidecar.IstioEgressListener> egress = list(spec.egress());
        if (egress.isEmpty() && list(spec.ingress()).isEmpty() && spec.outboundTrafficPolicy() == null
                && spec.inboundConnectionPool() == null) {
            check.error("spec", "empty Sidecar", "at least one of egress, ingress, outboundTrafficPolicy, inboundConnectionPool");
        }
        Map<Integer, String> ports = new HashMap<>();
        String catchAll = null;
        for (int i = 0; i < egress.size(); i++) {
            String path = at("spec.egress", i);
            Sidecar.IstioEgressListener listener = egress.get(i);
            if (listener.port() == null) {
                if (catchAll != null) {
                    check.error(path, "second listener without port", "at most one listener without port; " + catchAll + " is one");
                } else if (i != egress.size() - 1) {
                    check.error(path, "listener without port before others", "the listener without port last");
                }
                catchAll = path;
            } else {
                port(check, path, listener, ports);
            }
            hosts(check, path + ".hosts", list(listener.hosts()));
        }
        outboundTrafficPolicy(check, spec.outboundTrafficPolicy());
    }

    private static void port(FieldChecks check, String path, Sidecar.IstioEgressListener listener, Map<Integer, String> ports) {
        Sidecar.SidecarPort port = listener.port();
        String portPath = path + ".port";
        if (port.targetPort() != null && port.targetPort() > 0) {
            check.error(portPath + ".targetPort", port.targetPort(), "no targetPort; it has no effect on Sidecars");
        }
        if (!isEmpty(port.name())) {
            check.dns1123Label(portPath + ".name", port.name(), "a port name");
        }
        check.protocol(portPath + ".protocol", port.protocol());
        String bind = listener.bind();
        if (port.number() == null || port.number() == 0) {
            if (bind == null || !bind.startsWith(UNIX_PREFIX) || !Formats.isUnixSocketPath(bind.substring(UNIX_PREFIX.length()))) {
                check.error(path + ".bind", bind == null ? "missing" : quote(bind), "a unix:// socket path for a listener with port 0");
            }
            return;
        }
        check.port(portPath + ".number", port.number());
        String first = ports.putIfAbsent(port.number(), path);
        if (first != null) {
            check.error(portPath + ".number", "duplicate port " + port.number(), "unique ports; " + first + " has it already");
        }
        if (!isEmpty(bind)) {
            check.ipAddress(path + ".bind", bind);
        }
    }

    private static void hosts(FieldChecks check, String path, List<String> hosts) {
        if (hosts.isEmpty()) {
            check.error(path, "no hosts", "at least one namespace/dnsName host");
            return;
        }
        Map<String, Set<String>> namesByNamespace = new HashMap<>();
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i);
            check.namespacedHost(at(path, i), host, false);
            int slash = host.indexOf('/');
            if (slash < 0) {
                continue;
            }
            String namespace = host.substring(0, slash).equals(".") ? check.namespace() : host.substring(0, slash);
            Set<String> names = namesByNamespace.computeIfAbsent(namespace, ns -> new HashSet<>());
            String name = host.substring(slash + 1);
            if (names.contains(name) || names.contains("*") || (name.equals("*") && !names.isEmpty())) {
                check.warning(at(path, i), quote(host), "each host once; an earlier host of namespace " + namespace + " covers it");
            }
            names.add(name);
        }
        if (namesByNamespace.containsKey("*") && namesByNamespace.get("*").contains("*") && namesByNamespace.size() > 1) {
            check.warning(at(path, hosts.indexOf("*/*")), quote("*/*"), "it alone; it selects every host of every namespace");
        }
    }

    private static void outboundTrafficPolicy(FieldChecks check, Sidecar.OutboundTrafficPolicy policy) {
        if (policy == null || policy.egressProxy() == null) {
            return;
        }
        String path = "spec.outboundTrafficPolicy.egressProxy";
        if (policy.mode() != Sidecar.OutboundTrafficPolicy.Mode.ALLOW_ANY) {
            check.error(path, "egressProxy with mode " + (policy.mode() == null ? "REGISTRY_ONLY" : policy.mode()),
                    "mode ALLOW_ANY, the only mode that sends traffic to an egress proxy");
            return;
        }
        check.fqdn(path + ".host", policy.egressProxy().host(), "a DNS name");
        if (policy.egressProxy().port() == null) {
            check.error(path + ".port", "missing", "the egress proxy's port");
            return;
        }
        check.destination(path, policy.egressProxy());
    }
}
