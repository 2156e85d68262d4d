package org.rtsite.benchmarks.core;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rtsite.core.PlanInput;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.result.SiteResult;

/**
 * The whole of {@link SiteClassifier#classify} with ready masks — z-crop, dose resampling, mask
 * survey, isodose box, overlap, decision — on a phantom scene rasterized onto a clinical-size
 * CT grid of 512 × 512 × 200 voxels (0.98 × 0.98 × 2.5 mm) with three TotalSegmentator label maps.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClassifyBenchmark {

    @Param({"PELVIC_NODES", "LUNG_SBRT"})
    public String scene;

    PlanInput input;
    final SiteClassifier classifier = SiteClassifier.builder().backend("cpu").build();

    @Setup
    public void setUp() {
        PhantomScene s = PhantomScene.valueOf(scene);
        input = ClinicalPlans.of(s);
        SiteResult r = classifier.classify(input);
        if (!r.labels().equals(s.expectedLabels())) {
            throw new IllegalStateException(scene + " classified as " + r.labels());
        }
        System.out.println(scene + ": box " + r.isodoseBox() + ", crop " + r.crop() + ", timings " + r.timingsMs());
    }

    /** The stage timings of one warm call, for the record. */
    @TearDown
    public void printWarmTimings() {
        System.out.println(scene + " warm stage timings (ms): " + classifier.classify(input).timingsMs());
    }

    @Benchmark
    public SiteResult classify(CpuTime cpuTime) {
        long t = cpuTime.start();
        SiteResult r = classifier.classify(input);
        cpuTime.stop(t);
        return r;
    }
}
