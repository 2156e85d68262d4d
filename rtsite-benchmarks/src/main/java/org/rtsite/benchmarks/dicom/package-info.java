/**
 * JMH benchmarks: Header-only DICOM parsing, files per second ({@link
 * org.rtsite.benchmarks.dicom.HeaderParseBenchmark}). Not a library; run from rtsite-benchmarks
 * (docs/PERFORMANCE.md).
 */
package org.rtsite.benchmarks.dicom;
