package io.inmesh.core.internal.validation;

import static io.inmesh.core.internal.validation.FieldChecks.at;
import static io.inmesh.core.internal.validation.FieldChecks.isEmpty;
import static io.inmesh.core.internal.validation.FieldChecks.list;
import static io.inmesh.core.internal.validation.FieldChecks.quote;

import io.inmesh.core.model.RequestAuthentication;
import io.inmesh.core.model.RequestAuthentication.JwtRule;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/** Istio's checks of a RequestAuthentication: each JWT rule names an issuer or keys and well-formed token locations. */
final class RequestAuthenticationValidator {

    private RequestAuthenticationValidator() {
    }

    static void validate(FieldChecks check, RequestAuthentication spec) {
        check.atMostOne("spec", "selector", spec.selector(), "targetRef", spec.targetRef(), "targetRefs", spec.targetRefs());
        if (spec.selector() != null) {
            check.selector("spec.selector.matchLabels", spec.selector().matchLabels());
        }
        List<JwtRule> rules = list(spec.jwtRules());
        for (int i = 0; i < rules.size(); i++) {
            jwtRule(check, at("spec.jwtRules", i), rules.get(i));
        }
    }

    private static void jwtRule(FieldChecks check, String path, JwtRule rule) {
        if (isEmpty(rule.issuer()) && isEmpty(rule.jwksUri())) {
            check.error(path + ".issuer", "missing", "an issuer, or a jwksUri");
        }
        nonEmpty(check, path + ".audiences", list(rule.audiences()));
        check.atMostOne(path, "jwksUri", rule.jwksUri(), "jwks", rule.jwks());
        if (!isEmpty(rule.jwksUri()) && !isHttpUrl(rule.jwksUri())) {
            check.error(path + ".jwksUri", quote(rule.jwksUri()), "an http:// or https:// URL");
        }
        if (!isEmpty(rule.jwks())) {
            String jwks = rule.jwks().strip();
            if (!jwks.startsWith("{") || !jwks.endsWith("}") || !jwks.contains("\"keys\"")) {
                check.error(path + ".jwks", "text that is not a key set", "a JSON Web Key Set such as {\"keys\": [...]}");
            }
        }
        List<RequestAuthentication.JwtHeader> headers = list(rule.fromHeaders());
        for (int i = 0; i < headers.size(); i++) {
            if (isEmpty(headers.get(i).name())) {
                check.error(at(path + ".fromHeaders", i) + ".name", "missing", "a header name");
            }
        }
        nonEmpty(check, path + ".fromParams", list(rule.fromParams()));
        nonEmpty(check, path + ".fromCookies", list(rule.fromCookies()));
        List<RequestAuthentication.ClaimToHeader> claims = list(rule.outputClaimToHeaders());
        for (int i = 0; i < claims.size(); i++) {
            String claimPath = at(path + ".outputClaimToHeaders", i);
            if (isEmpty(claims.get(i).claim())) {
                check.error(claimPath + ".claim", "missing", "a claim name");
            }
            String header = claims.get(i).header();
            if (isEmpty(header) || !Formats.isHeaderName(header)) {
                check.error(claimPath + ".header", header == null ? "missing" : quote(header), "a header name of letters, digits, '-' and '_'");
            }
        }
        check.duration(path + ".timeout", rule.timeout());
    }

    private static void nonEmpty(FieldChecks check, String path, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).isEmpty()) {
                check.error(at(path, i), quote(""), "a non-empty value");
            }
        }
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
