/**
 * Synthetic plans on a coarse phantom human, one per situation of the decision tree, for tests,
 * benchmarks and the quick start: {@link org.rtsite.core.phantom.PhantomScene} (entry point) built by
 * {@link org.rtsite.core.phantom.PhantomBuilder}.
 */
package org.rtsite.core.phantom;
