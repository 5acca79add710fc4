/** The telemetry step and its observers; not part of the API. */
package io.inmesh.telemetry.internal;
