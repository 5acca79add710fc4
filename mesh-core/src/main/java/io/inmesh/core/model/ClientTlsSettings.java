package io.inmesh.core.model;

import java.util.List;

/**
 * TLS settings of connections to the upstream.
 *
 * @param mode the TLS mode
 * @param clientCertificate client certificate file
 * @param privateKey private key file
 * @param caCertificates CA certificates file
 * @param credentialName secret holding the credentials
 * @param subjectAltNames accepted server identities
 * @param sni SNI to present
 * @param insecureSkipVerify skip verification of the server
 * @param caCrl certificate revocation list file
 */
public record ClientTlsSettings(
        TlsMode mode,
        String clientCertificate,
        String privateKey,
        String caCertificates,
        String credentialName,
        List<String> subjectAltNames,
        String sni,
        Boolean insecureSkipVerify,
        String caCrl) {

    /** Upstream TLS modes. */
    public enum TlsMode {
        DISABLE,
        SIMPLE,
        MUTUAL,
        ISTIO_MUTUAL
    }
}
