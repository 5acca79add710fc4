package io.inmesh.core.model;

import java.util.List;
import java.util.Map;

/**
 * Header manipulations of requests and responses.
 *
 * @param request operations on the request
 * @param response operations on the response
 */
public record Headers(
        HeaderOperations request,
        HeaderOperations response) {

    /**
     * Operations on one message's headers.
     *
     * @param set headers to overwrite
     * @param add headers to append
     * @param remove headers to remove
     */
    public record HeaderOperations(Map<String, String> set, Map<String, String> add, List<String> remove) {
    }
}
