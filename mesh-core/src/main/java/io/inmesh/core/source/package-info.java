/**
 * Where the mesh's rules come from. A {@link io.inmesh.core.source.ConfigSource} reads and
 * validates configuration and emits a complete {@link io.inmesh.core.config.MeshConfig.LoadResult}
 * whenever it changes; {@link io.inmesh.core.source.FileConfigSource} watches local files and
 * directories, {@link io.inmesh.core.source.ControlPlaneConfigSource} streams the rules from the
 * control plane and reports back whether the mesh applied them. Sources do their reading on their
 * own threads, never on an event loop.
 */
package io.inmesh.core.source;
