/**
 * Integration tests of the data path, over real sockets on 127.0.0.1: upstream workloads are
import io.inmesh.core.testing.BlockHoundExtension;
import io.inmesh.core.testing.TestConfigSource;
 * {@link io.inmesh.core.MeshServer}s that answer with their own name, registered by ServiceEntry and
 * WorkloadEntry YAML with their real ports; callers are {@link io.inmesh.core.Mesh}es whose rules a
 * test pushes through a {@link io.inmesh.routing.it.TestConfigSource}. Every class runs with
 * BlockHound installed ({@link io.inmesh.routing.it.BlockHoundExtension}): a blocking call on an
 * event loop fails the test. Weighted behaviour is checked with a seed and a binomial tolerance; no
 * test sleeps or asserts on timing.
 */
package io.inmesh.routing.it;
