/**
 * What telemetry reads of a call: the {@link io.inmesh.core.telemetry.CallRecord} that the steps of
 * the stack fill in. Metrics, traces and access logs themselves live in module {@code mesh-telemetry}.
 */
package io.inmesh.core.telemetry;
