/**
 * Internal: strict binding of SnakeYAML node trees to the model records, with limits against
 * hostile input. Not an API; use {@link io.inmesh.core.config.ConfigReader}.
 */
package io.inmesh.core.internal.yaml;
