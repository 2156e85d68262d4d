package org.rtsite.benchmarks.gpu;

import java.util.Optional;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.rtsite.gpu.CudaOverlapBackend;
import org.rtsite.gpu.ResidentBox;

/**
 * Runs the GPU benchmarks where CUDA is usable; elsewhere says why and runs the CPU half of
 * {@link GpuOverlapBenchmark} only, so that the run ends cleanly on any machine. An argument
 * names a JSON result file.
 */
public final class GpuBenchmarks {
    private GpuBenchmarks() {
    }

    public static void main(String[] args) throws RunnerException {
        CudaOverlapBackend cuda = new CudaOverlapBackend();
        Optional<String> reason = cuda.unavailableReason();
        OptionsBuilder options = new OptionsBuilder();
        options.include(GpuOverlapBenchmark.class.getName() + "\\.");
        if (reason.isPresent()) {
            System.out.println("CUDA benchmarks skipped: " + reason.get());
            options.param("backend", "cpu");
        } else {
            System.out.println("CUDA device: " + cuda.device().orElseThrow());
            try (ResidentBox resident = cuda.upload(RealisticBox.build(1))) {
                double ms = resident.kernelMillis(200);
                System.out.printf("kernel alone (CUDA events, 200 launches): %.4f ms per box, %d bytes read,"
                        + " %.1f GB/s effective%n", ms, resident.deviceBytes(), resident.deviceBytes() / ms / 1e6);
            }
            options.include(GpuResidentBenchmark.class.getName() + "\\.");
        }
        if (args.length > 0) {
            options.resultFormat(ResultFormatType.JSON).result(args[0]);
        }
        new Runner(options.build()).run();
    }
}
