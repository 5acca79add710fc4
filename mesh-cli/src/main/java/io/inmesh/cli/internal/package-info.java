/**
 * Internals of the {@code mesh} command: diagnostic reports, route explanations (text and JSON),
 * {@code NAME=VALUE} arguments. Not an API; may change without notice.
 */
package io.inmesh.cli.internal;
