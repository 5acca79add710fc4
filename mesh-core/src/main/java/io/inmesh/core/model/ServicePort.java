package io.inmesh.core.model;

/**
 * A port of a service.
 *
 * @param number the port number
 * @param protocol HTTP, HTTPS, GRPC, HTTP2, MONGO, TCP or TLS
 * @param name the port's name
 * @param targetPort the endpoint port
 */
public record ServicePort(
        Integer number,
        String protocol,
        String name,
        Integer targetPort) {
}
