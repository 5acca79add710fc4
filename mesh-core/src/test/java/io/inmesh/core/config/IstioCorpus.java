package io.inmesh.core.config;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The copy of Istio's own configuration kept in {@code src/test/resources/istio-conformance} (see
 * the NOTICE there for its origin and license).
 */
final class IstioCorpus {

    private IstioCorpus() {
    }

    /** The corpus file or folder at {@code relative}, such as {@code bookinfo/virtual-service-all-v1.yaml}. */
    static Path path(String relative) {
        URL url = IstioCorpus.class.getResource("/istio-conformance/" + relative);
        if (url == null) {
            throw new IllegalArgumentException("not in the test corpus: " + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
