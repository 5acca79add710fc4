/**
 * The mesh's telemetry: {@link io.inmesh.telemetry.MeshTelemetry}, an extension that reports every
 * call on both sides as Istio's standard metrics, OpenTelemetry spans and access logs.
 */
package io.inmesh.telemetry;
