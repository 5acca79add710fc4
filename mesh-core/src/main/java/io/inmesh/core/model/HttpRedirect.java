package io.inmesh.core.model;

/**
 * An HTTP redirect answered instead of forwarding.
 *
 * @param uri replacement path
 * @param authority replacement authority
 * @param port replacement port
 * @param derivePort derive the port instead of setting it
 * @param scheme replacement scheme
 * @param redirectCode status code, 301 by default
 */
public record HttpRedirect(
        String uri,
        String authority,
        Integer port,
        RedirectPortSelection derivePort,
        String scheme,
        Integer redirectCode) {

    /** How a redirect derives its port. */
    public enum RedirectPortSelection {
        FROM_PROTOCOL_DEFAULT,
        FROM_REQUEST_PORT
    }
}
