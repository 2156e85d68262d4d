/**
 * JMH benchmarks: Segmentation with a network of nnU-Net's size on DJL ({@link
 * org.rtsite.benchmarks.djl.DjlSegmenterBenchmark}). Not a library; run from rtsite-benchmarks
 * (docs/PERFORMANCE.md).
 */
package org.rtsite.benchmarks.djl;
