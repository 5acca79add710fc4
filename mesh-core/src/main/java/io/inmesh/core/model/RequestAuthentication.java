package io.inmesh.core.model;

import java.time.Duration;
import java.util.List;

/**
 * The spec of a RequestAuthentication: which JWTs the selected workloads accept.
 *
 * @param selector workloads it applies to
 * @param targetRef deprecated single target
 * @param targetRefs targets
 * @param jwtRules accepted token issuers
 */
public record RequestAuthentication(
        LabelSelector selector,
        PolicyTargetReference targetRef,
        List<PolicyTargetReference> targetRefs,
        List<JwtRule> jwtRules) {

    /**
     * One accepted issuer of tokens.
     *
     * @param issuer the issuer
     * @param audiences accepted audiences
     * @param jwksUri where the keys are
     * @param jwks the keys inline
     * @param fromHeaders headers that carry the token
     * @param fromParams query parameters that carry the token
     * @param outputPayloadToHeader header that receives the payload
     * @param fromCookies cookies that carry the token
     * @param forwardOriginalToken whether the token is forwarded
     * @param outputClaimToHeaders claims copied to headers
     * @param timeout timeout of fetching the keys
     */
    public record JwtRule(
            String issuer,
            List<String> audiences,
            String jwksUri,
            String jwks,
            List<JwtHeader> fromHeaders,
            List<String> fromParams,
            String outputPayloadToHeader,
            List<String> fromCookies,
            Boolean forwardOriginalToken,
            List<ClaimToHeader> outputClaimToHeaders,
            Duration timeout) {
    }

    /**
     * A header that carries a token.
     *
     * @param name the header
     * @param prefix the prefix before the token, such as {@code Bearer }
     */
    public record JwtHeader(String name, String prefix) {
    }

    /**
     * A claim copied to a header.
     *
     * @param header the header
     * @param claim the claim
     */
    public record ClaimToHeader(String header, String claim) {
    }
}
