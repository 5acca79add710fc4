/**
 * Semantic validation of Istio resources: Istio's own rules for each kind (ranges, formats,
 * exactly-one-of fields, RE2 regular expressions), the fields inmesh does not implement
 * ({@link io.inmesh.core.internal.validation.UnsupportedFields}), and the checks across resources
 * that {@code istioctl analyze} makes. Entry point: {@link io.inmesh.core.internal.validation.ResourceValidation}.
 */
package io.inmesh.core.internal.validation;
