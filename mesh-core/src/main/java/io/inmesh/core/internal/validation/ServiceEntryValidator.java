package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.FieldChecks.at;
import static io.inmesh.core.internal.validation.FieldChecks.list;
import static io.inmesh.core.internal.validation.FieldChecks.quote;

import io.inmesh.core.model.ServiceEntry;
import io.inmesh.core.model.ServiceEntry.Resolution;
import io.inmesh.core.model.ServicePort;
import io.inmesh.core.model.WorkloadEntry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Istio's checks of a ServiceEntry: hosts, addresses, ports, and endpoints as its resolution needs them. */
final class ServiceEntryValidator {

    private ServiceEntryValidator() {
    }

    static void validate(FieldChecks check, ServiceEntry spec) {
        Resolution resolution = spec.resolution() == null ? Resolution.NONE : spec.resolution();
        List<String> hosts = list(spec.hosts());
        List<WorkloadEntry> endpoints = list(spec.endpoints());
        if (spec.workloadSelector() != null) {
            check.selector("spec.workloadSelector.labels", spec.workloadSelector().labels());
            check.atMostOne("spec", "workloadSelector", spec.workloadSelector(), "endpoints", endpoints);
            if (resolution == Resolution.NONE) {
                // Istio uses the selected workloads with STATIC, DNS and DNS_ROUND_ROBIN, never with NONE.
                check.warning("spec.workloadSelector", "workloadSelector with resolution NONE",
                        "resolution STATIC, DNS or DNS_ROUND_ROBIN; with NONE the selected workloads are not used");
            }
        }
        if (hosts.isEmpty()) {
            check.error("spec.hosts", "no hosts", "at least one host");
        }
        for (int i = 0; i < hosts.size(); i++) {
            String host = hosts.get(i);
            if (host.equals("*")) {
                check.error(at("spec.hosts", i), quote(host), "a host other than *");
            } else if (check.host(at("spec.hosts", i), host) && Formats.isPartialWildcard(host)) {
                check.warning(at("spec.hosts", i), quote(host), "a wildcard only as the whole first label, such as *.example.com");
            }
        }
        List<String> addresses = list(spec.addresses());
        for (int i = 0; i < addresses.size(); i++) {
            check.ipOrCidr(at("spec.addresses", i), addresses.get(i));
            if (addresses.get(i).contains("/") && resolution != Resolution.NONE && resolution != Resolution.STATIC) {
                check.error(at("spec.addresses", i), quote(addresses.get(i)), "an IP address; CIDR blocks need resolution NONE or STATIC");
            }
        }
        Set<String> portNames = ports(check, list(spec.ports()), resolution);
        switch (resolution) {
            case NONE -> {
                if (!endpoints.isEmpty()) {
                    check.error("spec.endpoints", "endpoints with resolution NONE", "no endpoints, or resolution STATIC or DNS");
                }
            }
            case STATIC -> {
                for (int i = 0; i < endpoints.size(); i++) {
                    WorkloadEntryValidator.endpoint(check, at("spec.endpoints", i), endpoints.get(i), portNames, resolution);
                }
            }
            case DNS, DNS_ROUND_ROBIN -> dnsEndpoints(check, resolution, hosts, endpoints, portNames);
        }
        if (resolution != Resolution.NONE && hosts.size() > 1) {
            List<ServicePort> ports = list(spec.ports());
            for (int i = 0; i < ports.size(); i++) {
                String protocol = ports.get(i).protocol();
                if (!Formats.isHttpProtocol(protocol) && !Formats.isTlsProtocol(protocol)) {
                    check.error(at("spec.ports", i) + ".protocol", protocol == null ? "missing" : quote(protocol),
                            "an HTTP or TLS protocol, which tell several hosts apart, or resolution NONE");
                    break;
                }
            }
        }
        check.exportTo("spec.exportTo", spec.exportTo(), true);
    }

    /** Checks the ports and returns their names. */
    private static Set<String> ports(FieldChecks check, List<ServicePort> ports, Resolution resolution) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<Integer, String> numbers = new HashMap<>();
        for (int i = 0; i < ports.size(); i++) {
            ServicePort port = ports.get(i);
            String path = at("spec.ports", i);
            check.dns1123Label(path + ".name", port.name(), "a port name");
            String firstName = port.name() == null ? null : names.putIfAbsent(port.name(), path);
            if (firstName != null) {
                check.error(path + ".name", "duplicate port name " + quote(port.name()), "unique port names; " + firstName + " has it already");
            }
            if (port.number() == null) {
                check.error(path + ".number", "missing", "a port number 1..65535");
            } else {
                check.port(path + ".number", port.number());
                String first = numbers.putIfAbsent(port.number(), path);
                if (first != null) {
                    check.error(path + ".number", "duplicate port " + port.number(), "unique port numbers; " + first + " has it already");
                }
            }
            check.protocol(path + ".protocol", port.protocol());
            if (port.targetPort() != null && port.targetPort() != 0) {
                check.port(path + ".targetPort", port.targetPort());
                if (resolution == Resolution.NONE) {
                    check.warning(path + ".targetPort", port.targetPort(), "no targetPort with resolution NONE, where it has no effect");
                }
            }
        }
        return names.keySet();
    }

    private static void dnsEndpoints(FieldChecks check, Resolution resolution, List<String> hosts, List<WorkloadEntry> endpoints,
            Set<String> portNames) {
        if (endpoints.isEmpty()) {
            for (int i = 0; i < hosts.size(); i++) {
                if (!Formats.isFqdn(hosts.get(i))) {
                    check.error(at("spec.hosts", i), quote(hosts.get(i)),
                            "a DNS name without wildcard, which resolution " + resolution + " resolves when there are no endpoints");
                }
            }
        }
        if (resolution == Resolution.DNS_ROUND_ROBIN && endpoints.size() > 1) {
            check.error(at("spec.endpoints", 1), endpoints.size() + " endpoints", "at most 1 endpoint with resolution DNS_ROUND_ROBIN");
        }
        for (int i = 0; i < endpoints.size(); i++) {
            WorkloadEntryValidator.endpoint(check, at("spec.endpoints", i), endpoints.get(i), portNames, resolution);
        }
    }
}
