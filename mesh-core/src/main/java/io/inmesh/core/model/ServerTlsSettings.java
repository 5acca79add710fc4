package io.inmesh.core.model;

import java.util.List;

/**
 * TLS settings of a server side listener.
 *
 * @param httpsRedirect redirect HTTP to HTTPS
 * @param mode the TLS mode
 * @param serverCertificate certificate file
 * @param privateKey key file
 * @param caCertificates CA certificates file
 * @param caCrl revocation list file
 * @param credentialName secret holding the credentials
 * @param credentialNames secrets holding the credentials
 * @param tlsCertificates certificate and key pairs
 * @param subjectAltNames accepted client identities
 * @param verifyCertificateSpki accepted client key pins
 * @param verifyCertificateHash accepted client certificate hashes
 * @param minProtocolVersion minimum TLS version
 * @param maxProtocolVersion maximum TLS version
 * @param cipherSuites accepted cipher suites
 */
public record ServerTlsSettings(
        Boolean httpsRedirect,
        TlsMode mode,
        String serverCertificate,
        String privateKey,
        String caCertificates,
        String caCrl,
        String credentialName,
        List<String> credentialNames,
        List<TlsCertificate> tlsCertificates,
        List<String> subjectAltNames,
        List<String> verifyCertificateSpki,
        List<String> verifyCertificateHash,
        TlsProtocol minProtocolVersion,
        TlsProtocol maxProtocolVersion,
        List<String> cipherSuites) {

    /** Server TLS modes. */
    public enum TlsMode {
        PASSTHROUGH,
        SIMPLE,
        MUTUAL,
        AUTO_PASSTHROUGH,
        ISTIO_MUTUAL,
        OPTIONAL_MUTUAL
    }

    /** TLS protocol versions. */
    public enum TlsProtocol {
        TLS_AUTO,
        TLSV1_0,
        TLSV1_1,
        TLSV1_2,
        TLSV1_3
    }

    /**
     * A certificate and key pair.
     *
     * @param serverCertificate certificate file
     * @param privateKey key file
     * @param caCertificates CA certificates file
     */
    public record TlsCertificate(String serverCertificate, String privateKey, String caCertificates) {
    }
}
