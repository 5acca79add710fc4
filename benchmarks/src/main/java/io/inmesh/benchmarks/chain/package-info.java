/** JMH benchmarks of the mesh's stacks without the network. */
package io.inmesh.benchmarks.chain;
