package org.rtsite.benchmarks.beyond;

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
import org.openjdk.jmh.annotations.Warmup;
import org.rtsite.benchmarks.core.ClinicalPlans;
import org.rtsite.benchmarks.core.CpuTime;
import org.rtsite.core.PlanInput;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.expert.ExpertProtocolClassifier;
import org.rtsite.core.expert.ExpertResult;
import org.rtsite.core.phantom.PhantomScene;

/**
 * The automated expert protocol ({@link ExpertProtocolClassifier#classify}, which includes a full
 * paper-pipeline run) next to the paper classifier alone, on the same clinical-size phantom as the
 * core's ClassifyBenchmark: 512 × 512 × 200 CT voxels (0.977 × 0.977 × 2.5 mm), three
 * TotalSegmentator label maps, dose on its own grid.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
public class ExpertProtocolBenchmark {

    @Param({"PELVIC_NODES", "LUNG_SBRT"})
    public String scene;

    PlanInput input;
    final SiteClassifier paper = SiteClassifier.builder().backend("cpu").build();
    final ExpertProtocolClassifier expert = ExpertProtocolClassifier.builder().backend("cpu").build();

    @Setup
    public void setUp() {
        PhantomScene s = PhantomScene.valueOf(scene);
        input = ClinicalPlans.of(s);
        ExpertResult r = expert.classify(input);
        System.out.println(scene + ": expert " + r.labels() + " (paper " + r.paperLabels() + "), plane " + r.plane()
                + ", penetrations " + r.penetrations());
    }

    @Benchmark
    public Object paperClassifier(CpuTime cpu) {
        long t = cpu.start();
        Object r = paper.classify(input);
        cpu.stop(t);
        return r;
    }

    @Benchmark
    public Object expertProtocol(CpuTime cpu) {
        long t = cpu.start();
        Object r = expert.classify(input);
        cpu.stop(t);
        return r;
    }
}
