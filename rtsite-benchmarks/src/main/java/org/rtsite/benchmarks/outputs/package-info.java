/**
 * JMH benchmarks: Per-plan outputs: isodose RTSTRUCT and QA picture ({@link
 * org.rtsite.benchmarks.outputs.OutputsBenchmark}). Not a library; run from rtsite-benchmarks
 * (docs/PERFORMANCE.md).
 */
package org.rtsite.benchmarks.outputs;
