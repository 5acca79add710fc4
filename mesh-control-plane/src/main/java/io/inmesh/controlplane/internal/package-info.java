/**
 * Internals of the control plane: reading a rules directory into documents, splitting YAML sources
 * into documents, and the content hash. Not API.
 */
package io.inmesh.controlplane.internal;
