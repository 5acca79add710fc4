/**
 * JMH benchmark of reading rules: parse, validate and compile 1000 and 10 000 generated Istio
 * resources ({@link io.inmesh.benchmarks.config.ConfigCompile}).
 */
package io.inmesh.benchmarks.config;
