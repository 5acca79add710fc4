/**
 * The Istio resources as immutable records, one component per field of Istio's API, named as in
 * YAML. A {@link io.inmesh.core.model.Resource} pairs a spec with its kind, metadata and the source
 * location of every field. These types decide nothing; routing and policy code interprets them.
 */
package io.inmesh.core.model;
