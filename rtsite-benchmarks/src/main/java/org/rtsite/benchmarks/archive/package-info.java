/**
 * JMH benchmarks: Archive indexing and linkage on a synthetic archive of about 100,000 files ({@link
 * org.rtsite.benchmarks.archive.ArchiveBenchmarks}). Not a library; run from rtsite-benchmarks
 * (docs/PERFORMANCE.md).
 */
package org.rtsite.benchmarks.archive;
