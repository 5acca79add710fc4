/**
 * Internals of the config sources: {@link io.inmesh.core.internal.source.RuleStore} keeps the last
 * good rules on disk, so that a mesh restarted while its source is unreachable still has rules.
 * Not an API: types here may change in any release.
 */
package io.inmesh.core.internal.source;
