/**
 * JMH benchmarks: The automated expert protocol beside the paper classifier ({@link
 * org.rtsite.benchmarks.beyond.ExpertProtocolBenchmark}). Not a library; run from rtsite-benchmarks
 * (docs/PERFORMANCE.md).
 */
package org.rtsite.benchmarks.beyond;
