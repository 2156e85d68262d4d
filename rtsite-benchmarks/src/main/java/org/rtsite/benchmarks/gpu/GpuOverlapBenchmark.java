package org.rtsite.benchmarks.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.rtsite.core.overlap.IsodoseBox;
import org.rtsite.core.overlap.OverlapBackend;
import org.rtsite.core.overlap.OverlapBackends;
import org.rtsite.core.overlap.OverlapCounts;

/**
 * Overlap counting of the realistic 200 × 200 × 80 box with 3 label maps of 140 organs, CPU (one
 * core) beside CUDA: per box with transfers ({@code perBox}), per box of a 32-plan batch
 * ({@code batch32}, streams and pinned buffers); {@link GpuResidentBenchmark} times the GPU
 * without input transfers. Without a usable CUDA device the cuda parameter fails its setup
 * with the detection's reason and JMH goes on with the CPU; run through {@link GpuBenchmarks}
 * to leave it out instead.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class GpuOverlapBenchmark {
    static final int BATCH = 32;

    @Param({"cpu", "cuda"})
    public String backend;

    private OverlapBackend overlap;
    private IsodoseBox box;
    private List<IsodoseBox> batch;

    @Setup
    public void setUp() {
        overlap = OverlapBackends.select(backend);
        box = RealisticBox.build(1);
        // Four distinct plans repeated: the batch moves 32 boxes' bytes without 32 boxes in the heap.
        List<IsodoseBox> plans = List.of(box, RealisticBox.build(2), RealisticBox.build(3), RealisticBox.build(4));
        batch = new ArrayList<>();
        for (int b = 0; b < BATCH; b++) {
            batch.add(plans.get(b % plans.size()));
        }
    }

    @Benchmark
    public OverlapCounts perBox() {
        return overlap.count(box);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public List<OverlapCounts> batch32() {
        return overlap.countAll(batch);
    }
}
