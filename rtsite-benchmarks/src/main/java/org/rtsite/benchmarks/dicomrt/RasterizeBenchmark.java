package org.rtsite.benchmarks.dicomrt;

import java.nio.file.Path;
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
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.dicom.rt.RtStructureSet;

/**
 * Rasterizing a real ROI on the CT grid it was drawn on: dicompyler's breast case (public-rt),
 * 512×512×98 at 1.074×1.074×3 mm. Run from the repository root (the RTSTRUCT is read from the
 * test resources). BODY: 141 contours; Lt Lung: 165; Heart: 33.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RasterizeBenchmark {

    @Param({"BODY", "Lt Lung", "Heart"})
    String roi;

    private RtStructureSet.Roi structure;
    private ImageGrid grid;

    @Setup
    public void read() {
        RtStructureSet ss = RtStructureSet.read(
                Path.of("rtsite-dicom/src/test/resources/public-rt/dicompyler-core_example/rtss.dcm"));
        structure = ss.roi(roi).orElseThrow();
        // ct.0.dcm: origin (-275, -524, 168.5593), 1.074219 mm pixels, 3 mm slices; 98 slices downwards
        grid = new ImageGrid(512, 512, 98, 1.074219, 1.074219, 3, new Vec3(-275, -524, 168.5593 - 97 * 3),
                Vec3.X, Vec3.Y, Vec3.Z);
    }

    @Benchmark
    public BinaryMask rasterize() {
        return structure.rasterize(grid, 3);
    }
}
