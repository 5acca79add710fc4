package io.inmesh.core.model;

import java.time.Duration;
import java.util.List;

/**
 * Consistent hashing on one request property; affinity only in HTTP.
 *
 * @param httpHeaderName hash on this header
 * @param httpCookie hash on this cookie
 * @param useSourceIp hash on the source IP
 * @param httpQueryParameterName hash on this query parameter
 * @param ringHash ring hash settings
 * @param maglev Maglev settings
 * @param minimumRingSize deprecated: minimum ring size
 */
public record ConsistentHashLb(
        String httpHeaderName,
        HttpCookie httpCookie,
        Boolean useSourceIp,
        String httpQueryParameterName,
        RingHash ringHash,
        MagLev maglev,
        Long minimumRingSize) {

    /**
     * A cookie to hash on; generated when missing if a ttl is set.
     *
     * @param name the cookie's name
     * @param path the cookie's path
     * @param ttl the generated cookie's lifetime
     * @param attributes extra attributes of the generated cookie
     */
    public record HttpCookie(String name, String path, Duration ttl, List<CookieAttribute> attributes) {
    }

    /**
     * An attribute of a generated cookie.
     *
     * @param name the attribute's name
     * @param value the attribute's value
     */
    public record CookieAttribute(String name, String value) {
    }

    /**
     * Ring hash settings.
     *
     * @param minimumRingSize the minimum number of virtual nodes
     */
    public record RingHash(Long minimumRingSize) {
    }

    /**
     * Maglev settings.
     *
     * @param tableSize the lookup table's size, a prime
     */
    public record MagLev(Long tableSize) {
    }
}
