/**
 * JMH benchmarks: Overlap counting on CUDA beside the CPU backend ({@link
 * org.rtsite.benchmarks.gpu.GpuBenchmarks} runs them where CUDA is usable). Not a library; run from
 * rtsite-benchmarks (docs/PERFORMANCE.md).
 */
package org.rtsite.benchmarks.gpu;
