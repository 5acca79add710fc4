package io.inmesh.core.internal.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The string formats of Istio's validation, at their edges. */
class FormatsTest {

    @ParameterizedTest
    @ValueSource(strings = {"reviews", "reviews.bookinfo.svc.cluster.local", "*", "*.example.com", "*-canary.example.com",
        "*example.com", "istio.io.", "Reviews.Example.COM"})
    void wildcardDomains(String name) {
        assertThat(Formats.isWildcardDomain(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a_b", "api.*.example.com", "a..b", "1.2.3.4", "example.123", "-api.example.com",
        "api-.example.com", "**.example.com"})
    void notWildcardDomains(String name) {
        assertThat(Formats.isWildcardDomain(name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"reviews", "mesh", "api.example.com", "istio.io."})
    void fullyQualifiedNames(String name) {
        assertThat(Formats.isFqdn(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "*.example.com", "a_b.example.com", "", "10.0.0.1"})
    void notFullyQualifiedNames(String name) {
        assertThat(Formats.isFqdn(name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "2001:db8::8a2e:370:7334", "::ffff:10.0.0.1", "fe80::1%eth0"})
    void ipAddresses(String address) {
        assertThat(Formats.isIpAddress(address)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.256", "10.0.0", "010.0.0.1", "1.2.3.4.5", "2001:db8::g", "::1::2", "localhost", ""})
    void notIpAddresses(String address) {
        assertThat(Formats.isIpAddress(address)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/8", "10.0.0.1/32", "0.0.0.0/0", "2001:db8::/32", "::/128", "192.168.1.1"})
    void ipsOrCidrBlocks(String block) {
        assertThat(Formats.isIpOrCidr(block)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/08", "10.0.0.0/8/8", "api.example.com/8"})
    void notCidrBlocks(String block) {
        assertThat(Formats.isIpOrCidr(block)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"app", "app.kubernetes.io/name", "example.com/v1_beta", "A", "a.b-c_d"})
    void labelKeys(String key) {
        assertThat(Formats.isLabelKey(key)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-app", "app-", "a/b/c", "example_com/app", "/app"})
    void notLabelKeys(String key) {
        assertThat(Formats.isLabelKey(key)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-user", "X_Debug", "end-user"})
    void headerNames(String name) {
        assertThat(Formats.isHeaderName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {":authority", "x user", "", "x.user"})
    void notHeaderNames(String name) {
        assertThat(Formats.isHeaderName(name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"@request.auth.claims.group", "@request.auth.claims[group]", "@request.auth.claims[a][b]"})
    void jwtClaimHeaders(String name) {
        assertThat(Formats.isJwtClaimHeader(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 5, 65537, 4999999})
    void maglevPrimes(long size) {
        assertThat(Formats.isEnvoyPrime(size)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 9, 65536, 5000011L * 3})
    void notMaglevPrimes(long size) {
        assertThat(Formats.isEnvoyPrime(size)).isFalse();
    }
}
