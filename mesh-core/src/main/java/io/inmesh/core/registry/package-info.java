/**
 * The service registry: the mesh's services and their endpoints, compiled once from the
 * ServiceEntries and WorkloadEntries of a validated {@link io.inmesh.core.config.MeshConfig} into an
 * immutable {@link io.inmesh.core.registry.ServiceRegistry}, with Istio's semantics (hosts as
 * written, endpoints from {@code endpoints}, {@code workloadSelector} or DNS, ports mapped by name,
 * {@code targetPort} or number, {@code exportTo} visibility, ServiceEntries for one host merged per
 * namespace). A {@link io.inmesh.core.registry.MeshService} answers which
 * {@link io.inmesh.core.registry.Endpoint}s serve a port and subset without computing anything on the
 * request path.
 */
package io.inmesh.core.registry;
