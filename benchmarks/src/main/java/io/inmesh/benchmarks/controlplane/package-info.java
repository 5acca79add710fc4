/**
 * The control-plane scale benchmark ({@link io.inmesh.benchmarks.controlplane.ControlPlaneScale}): how
 * long a rules change takes to reach, and be acknowledged by, a thousand connected workloads, and how
 * much control-plane heap each connected workload costs.
 */
package io.inmesh.benchmarks.controlplane;
