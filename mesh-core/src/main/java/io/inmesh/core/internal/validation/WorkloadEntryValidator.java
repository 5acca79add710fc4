package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.FieldChecks.at;
import static io.inmesh.core.internal.validation.FieldChecks.isEmpty;
import static io.inmesh.core.internal.validation.FieldChecks.map;
import static io.inmesh.core.internal.validation.FieldChecks.quote;

import io.inmesh.core.model.ServiceEntry.Resolution;
import io.inmesh.core.model.WorkloadEntry;
import java.util.Set;

/** Istio's checks of a workload: a WorkloadEntry, or an endpoint of a ServiceEntry. */
final class WorkloadEntryValidator {

    private static final String UNIX_PREFIX = "unix://";

    private WorkloadEntryValidator() {
    }

    static void validate(FieldChecks check, WorkloadEntry spec) {
        endpoint(check, "spec", spec, null, null);
        check.nonNegative("spec.weight", spec.weight());
    }

    /**
     * One workload.
     *
     * @param servicePorts the port names of the ServiceEntry the endpoint belongs to, or {@code null}
     *     for a WorkloadEntry, whose ports are not known here
     * @param resolution the ServiceEntry's resolution, which decides what the address may be, or
     *     {@code null} for a WorkloadEntry, whose address may be an IP, a DNS name or a unix socket
     */
    static void endpoint(FieldChecks check, String path, WorkloadEntry workload, Set<String> servicePorts, Resolution resolution) {
        boolean dns = resolution == Resolution.DNS || resolution == Resolution.DNS_ROUND_ROBIN;
        String address = workload.address();
        String addressPath = path + ".address";
        if (isEmpty(address)) {
            if (isEmpty(workload.network())) {
                check.error(addressPath, "missing address", "an address, or a network");
                return;
            }
            check.warning(addressPath, "missing address", "an address; only network " + quote(workload.network()) + " is set");
        } else if (address.startsWith(UNIX_PREFIX) && !dns) {
            if (!Formats.isUnixSocketPath(address.substring(UNIX_PREFIX.length()))) {
                check.error(addressPath, quote(address), "unix:// followed by an absolute file path or @name");
            }
            if (!map(workload.ports()).isEmpty()) {
                check.error(path + ".ports", "ports on a unix socket endpoint", "no ports");
            }
            if (servicePorts != null && servicePorts.size() != 1) {
                check.error(addressPath, "unix socket endpoint of a service with " + servicePorts.size() + " ports",
                        "exactly one service port");
            }
        } else if (!Formats.isIpAddress(address)) {
            if (resolution == Resolution.STATIC) {
                check.error(addressPath, quote(address), "an IP address or a unix:// socket, as resolution STATIC needs");
            } else if (!Formats.isFqdn(address)) {
                check.error(addressPath, quote(address), "an IP address or a DNS name");
            }
        }
        map(workload.ports()).forEach((name, port) -> {
            String portPath = at(path + ".ports", name);
            if (servicePorts != null && !servicePorts.contains(name)) {
                check.error(portPath, "port name " + quote(name), "a port name of the ServiceEntry: " + String.join(", ", servicePorts));
            } else {
                check.dns1123Label(portPath, name, "a port name");
            }
            check.port(portPath, port);
        });
        check.labels(path + ".labels", workload.labels());
    }
}
