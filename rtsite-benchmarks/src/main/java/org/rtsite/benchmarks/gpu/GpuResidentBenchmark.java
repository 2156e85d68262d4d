package org.rtsite.benchmarks.gpu;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rtsite.core.overlap.OverlapBackends;
import org.rtsite.core.overlap.OverlapCounts;
import org.rtsite.gpu.CudaOverlapBackend;
import org.rtsite.gpu.ResidentBox;

/**
 * The realistic box counted on the GPU with its inputs already in device memory: zeroing the
 * counts, the kernel launch and the 18 KiB read-back of the counts, i.e. per-box time without
 * input transfers. Fails its setup with the detection's reason where CUDA is unusable.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class GpuResidentBenchmark {
    private ResidentBox resident;

    @Setup
    public void setUp() {
        CudaOverlapBackend cuda = (CudaOverlapBackend) OverlapBackends.select(CudaOverlapBackend.NAME);
        resident = cuda.upload(RealisticBox.build(1));
    }

    @TearDown
    public void tearDown() {
        if (resident != null) {
            resident.close();
        }
    }

    @Benchmark
    public OverlapCounts perBoxResident() {
        return resident.count();
    }
}
