/**
 * Where the mesh's rules come from. A {@link io.inmesh.core.source.ConfigSource} reads and
 * validates configuration and emits a complete {@link io.inmesh.core.config.MeshConfig.LoadResult}
 * whenever it changes; {@link io.inmesh.core.source.FileConfigSource} watches local files and
 * directories. Sources do their reading on their own threads, never on an event loop.
 */
package io.inmesh.core.source;
