/**
 * JMH benchmarks: RT readers: CT series to volume and ROI rasterization. Not a library; run from
 * rtsite-benchmarks (docs/PERFORMANCE.md).
 */
package org.rtsite.benchmarks.dicomrt;
