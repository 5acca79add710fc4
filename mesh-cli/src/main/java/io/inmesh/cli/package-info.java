/**
 * The {@code mesh} command line tool: {@link io.inmesh.cli.MeshCommand} and its subcommands
 * {@code validate} (check Istio YAML, one line per finding) and {@code route} (explain where one
 * request goes). Output formatting lives in {@code io.inmesh.cli.internal}.
 */
package io.inmesh.cli;
