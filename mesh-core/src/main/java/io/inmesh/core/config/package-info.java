/**
 * From Istio YAML to a validated configuration: {@link io.inmesh.core.config.ConfigReader} reads
 * files into typed resources, {@link io.inmesh.core.config.ConfigValidator} checks their meaning,
 * and {@link io.inmesh.core.config.MeshConfig#load} does both, yielding either a
 * {@link io.inmesh.core.config.MeshConfig} or the {@link io.inmesh.core.config.Diagnostic}s that
 * say, with file, line, resource and field, why not.
 */
package io.inmesh.core.config;
