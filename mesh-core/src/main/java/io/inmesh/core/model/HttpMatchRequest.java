package io.inmesh.core.model;

import java.util.List;
import java.util.Map;

/**
 * Conditions of an HTTP route; all that are set must hold.
 *
 * @param name the match's name
 * @param uri the path
 * @param scheme the URI scheme
 * @param method the HTTP method
 * @param authority the authority (Host) header
 * @param headers request headers by lower-case name
 * @param port the destination port
 * @param sourceLabels labels the calling workload must carry
 * @param gateways gateways this match applies to
 * @param queryParams query parameters
 * @param ignoreUriCase match uri without regard to case
 * @param withoutHeaders headers that must not match
 * @param sourceNamespace the calling workload's namespace
 * @param statPrefix prefix for statistics of this match
 */
public record HttpMatchRequest(
        String name,
        StringMatch uri,
        StringMatch scheme,
        StringMatch method,
        StringMatch authority,
        Map<String, StringMatch> headers,
        Integer port,
        Map<String, String> sourceLabels,
        List<String> gateways,
        Map<String, StringMatch> queryParams,
        Boolean ignoreUriCase,
        Map<String, StringMatch> withoutHeaders,
        String sourceNamespace,
        String statPrefix) {
}
