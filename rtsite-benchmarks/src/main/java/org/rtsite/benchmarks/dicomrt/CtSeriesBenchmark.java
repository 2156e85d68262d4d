package org.rtsite.benchmarks.dicomrt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.dicom.DicomDataset;
import org.rtsite.dicom.DicomFile;
import org.rtsite.dicom.DicomWriter;
import org.rtsite.dicom.Tag;
import org.rtsite.dicom.VR;
import org.rtsite.dicom.rt.CtSeries;
import org.rtsite.dicom.rt.CtSeriesReader;
import org.rtsite.dicom.rt.RtWriter;

/**
 * CT series → volume: a folder of 512×512 slices (written once per trial by {@link RtWriter}, so
 * warm in the page cache) read by {@link CtSeriesReader#readDirectory}: header pass, sort and
 * checks, then pixels into the volume with rescale. Target: 200 slices in ≤ 300 ms warm.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CtSeriesBenchmark {

    @Param("200")
    int slices;

    /** 0: stored values are HU (no rescale pass); -1024: the usual scanner encoding, one rescale pass. */
    @Param({"0", "-1024"})
    int intercept;

    private Path dir;

    @Setup(Level.Trial)
    public void writeSeries() throws IOException {
        dir = Files.createTempDirectory("rtsite-ct-bench");
        int n = 512;
        ImageGrid g = ImageGrid.axial(n, n, slices, 0.977, 0.977, 2.5, new Vec3(-250, -250, -250));
        short[] hu = new short[g.voxelCount()];
        for (int k = 0; k < slices; k++) {
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++) {
                    double x = (i - 256) / 200.0, y = (j - 256) / 150.0;
                    hu[g.index(i, j, k)] = (short) (x * x + y * y <= 1 ? 40 + (i * 7 + j * 3 + k) % 50 : -1000);
                }
            }
        }
        List<String> uids = new ArrayList<>();
        for (int k = 0; k < slices; k++) {
            uids.add(RtWriter.newUid());
        }
        List<Path> files = RtWriter.writeCtSeries(new CtSeries(RtWriter.newUid(), RtWriter.newUid(), RtWriter.newUid(),
                "BENCH", "HFS", uids, List.of(), new CtVolume(g, hu)), dir);
        if (intercept != 0) {
            for (Path f : files) {
                DicomDataset ds = DicomFile.read(f).dataset();
                byte[] px = ds.getBytes(Tag.PixelData);
                ByteBuffer b = ByteBuffer.wrap(px).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < px.length / 2; i++) {
                    b.putShort(2 * i, (short) (b.getShort(2 * i) - intercept));
                }
                DicomWriter.write(f, ds.toBuilder().putDoubles(Tag.RescaleIntercept, VR.DS, intercept)
                        .putBytes(Tag.PixelData, VR.OW, px).build());
            }
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public CtVolume readSeries() {
        return CtSeriesReader.defaults().readDirectory(dir).volume();
    }
}
