package io.inmesh.core.model;

/**
 * A service (and optionally a subset and port) that a request may be forwarded to.
 *
 * @param host the service's name, short or fully qualified
 * @param subset a subset defined by a DestinationRule for the host
 * @param port the port, needed when the service has several
 */
public record Destination(
        String host,
        String subset,
        PortSelector port) {
}
