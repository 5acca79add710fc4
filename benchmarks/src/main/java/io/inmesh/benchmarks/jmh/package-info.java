/** Turns a JMH JSON result of the suite into the Markdown table and SVG chart of {@code benchmarks/results/}. */
package io.inmesh.benchmarks.jmh;
