/**
 * JMH benchmarks: Segmentation metrics, distance transforms included, on clinical-size masks. Not a
 * library; run from rtsite-benchmarks (docs/PERFORMANCE.md).
 */
package org.rtsite.benchmarks.eval;
