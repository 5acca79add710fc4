/**
 * The load harness (issue 7): an open-loop, constant-rate load generator pinned to CPU 0 against a
 * reactor-netty floor, a raw app hop, an inmesh app hop and a HAProxy sidecar pair pinned to CPU 1;
 * see {@link io.inmesh.benchmarks.load.LoadHarness} and benchmarks/README.md.
 */
package io.inmesh.benchmarks.load;
