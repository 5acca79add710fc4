package io.inmesh.core.config;

import io.inmesh.core.internal.validation.ResourceValidation;
import io.inmesh.core.model.Resource;
import java.util.List;

/**
 * Checks the meaning of resources that {@link ConfigReader} could read: value ranges, formats,
 * exactly-one-of fields, regular expressions, and references between resources, as Istio's own
 * validation and {@code istioctl analyze} do. Fields that Istio defines and inmesh does not act on
 * are reported as unsupported warnings.
 */
public final class ConfigValidator {

    private ConfigValidator() {
    }

    /** Every finding about {@code resources}, in source order. */
    public static List<Diagnostic> validate(List<Resource<?>> resources) {
        return ResourceValidation.validate(resources).stream().sorted().toList();
    }
}
