package org.rtsite.benchmarks.eval;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.eval.seg.MaskComparison;
import org.rtsite.eval.seg.ReferenceRegion;
import org.rtsite.eval.seg.SegmentationMetrics;

/**
 * All segmentation metrics (DSC, 95HD, HD, ASSD, sensitivity, specificity, volumes) of two masks
 * on a 512×512×150 grid, single-threaded; the distance transforms dominate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class HausdorffBenchmark {

    @Param({"organ", "body"})
    public String shape;

    private BinaryMask reference;
    private BinaryMask test;

    @Setup
    public void setup() {
        BinaryMask[] p = BenchmarkMasks.pair(shape);
        reference = p[0];
        test = p[1];
    }

    @Benchmark
    public SegmentationMetrics compare() {
        return MaskComparison.compare("bench", shape, reference, test, ReferenceRegion.DEFAULT);
    }
}
