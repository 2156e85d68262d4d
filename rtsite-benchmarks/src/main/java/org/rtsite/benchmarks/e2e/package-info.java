/**
 * JMH benchmarks: Per-plan wall time of the end-to-end DICOM path ({@link
 * org.rtsite.benchmarks.e2e.PlanBenchmark}). Not a library; run from rtsite-benchmarks
 * (docs/PERFORMANCE.md).
 */
package org.rtsite.benchmarks.e2e;
