/**
 * JMH benchmarks: The classifier itself on phantom scenes of clinical size: the whole classify call
 * and overlap + decision alone. Not a library; run from rtsite-benchmarks (docs/PERFORMANCE.md).
 */
package org.rtsite.benchmarks.core;
