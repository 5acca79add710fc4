/**
 * The control plane's library core: {@link io.inmesh.controlplane.RuleRepository} serves a directory
 * of Istio rules as validated, versioned {@link io.inmesh.controlplane.PublishedRules} and keeps the
 * last {@link io.inmesh.controlplane.Refusal}; {@link io.inmesh.controlplane.WorkloadScope} picks the
 * part of a version that concerns one workload. The wire protocol that serves them is described in
 * {@code docs/control-plane-protocol.md}.
 */
package io.inmesh.controlplane;
