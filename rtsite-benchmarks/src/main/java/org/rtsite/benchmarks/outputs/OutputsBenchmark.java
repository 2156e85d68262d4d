package org.rtsite.benchmarks.outputs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.qa.QaPicture;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;
import org.rtsite.dicom.rt.RtStructureSet;
import org.rtsite.dicom.rt.RtWriter;
import org.rtsite.pipeline.output.CtSeriesIdentity;
import org.rtsite.pipeline.output.IsodoseLevel;
import org.rtsite.pipeline.output.IsodoseStructureSet;

/**
 * Per-plan outputs on a realistic plan: CT 512×512×150 (0.98 mm, 2.5 mm slices), dose on a 2.5 mm grid
 * over the body, an 8×6×10 cm ellipsoidal target with a Gaussian fall-off, four organs. Measures the
 * isodose RTSTRUCT (resample per slice, marching squares for V85 and V50, write the file) and the QA
 * picture (render + PNG encode).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g", "-Djava.awt.headless=true"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
public class OutputsBenchmark {

    private CtVolume ct;
    private DoseVolume dose;
    private OrganMasks masks;
    private SiteResult result;
    private CtSeriesIdentity identity;
    private Path dir;

    @Setup(Level.Trial)
    public void plan() throws IOException {
        ImageGrid g = ImageGrid.axial(512, 512, 150, 0.977, 0.977, 2.5, new Vec3(-250, -250, -187.5));
        short[] hu = new short[g.voxelCount()];
        byte[] labels = new byte[g.voxelCount()];
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++) {
                    Vec3 p = g.toPatient(i, j, k);
                    int idx = g.index(i, j, k);
                    boolean body = sq(p.x() / 200) + sq(p.y() / 140) <= 1;
                    hu[idx] = (short) (body ? 30 : -1000);
                    if (!body) {
                        continue;
                    }
                    if (sq((p.x() - 70) / 60) + sq(p.y() / 80) + sq(p.z() / 150) <= 1) {
                        labels[idx] = 1;
                        hu[idx] = -800;
                    } else if (sq((p.x() + 70) / 60) + sq(p.y() / 80) + sq(p.z() / 150) <= 1) {
                        labels[idx] = 2;
                        hu[idx] = -800;
                    } else if (sq(p.x() / 25) + sq((p.y() - 60) / 25) <= 1) {
                        labels[idx] = 3;
                        hu[idx] = 700;
                    } else if (sq(p.x() / 40) + sq((p.y() + 40) / 40) + sq(p.z() / 50) <= 1) {
                        labels[idx] = 4;
                    }
                }
            }
        }
        ct = new CtVolume(g, hu);
        masks = new OrganMasks(g, List.of(new LabelMap("total", g, labels,
                Map.of(1, "lung_upper_lobe_left", 2, "lung_upper_lobe_right", 3, "vertebrae_T5", 4, "heart"))), List.of());
        ImageGrid dg = ImageGrid.axial(161, 113, 150, 2.5, 2.5, 2.5, new Vec3(-200, -140, -187.5));
        float[] gy = new float[dg.voxelCount()];
        for (int k = 0; k < dg.nz(); k++) {
            for (int j = 0; j < dg.ny(); j++) {
                for (int i = 0; i < dg.nx(); i++) {
                    Vec3 p = dg.toPatient(i, j, k);
                    double r = Math.sqrt(sq((p.x() - 60) / 40) + sq(p.y() / 30) + sq(p.z() / 50));
                    gy[dg.index(i, j, k)] = (float) (60 * Math.exp(-0.5 * sq(Math.max(0, r - 0.8) / 0.35)));
                }
            }
        }
        dose = new DoseVolume(dg, gy);
        result = SiteClassifier.builder().backend("cpu").build().classify(g, dose, masks);
        List<String> uids = new ArrayList<>();
        for (int k = 0; k < g.nz(); k++) {
            uids.add(RtWriter.newUid());
        }
        identity = new CtSeriesIdentity("BENCH", RtWriter.newUid(), RtWriter.newUid(), RtWriter.newUid(), g, uids);
        dir = Files.createTempDirectory("rtsite-outputs-bench");
    }

    private static double sq(double v) {
        return v * v;
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        Files.deleteIfExists(dir.resolve("rs.dcm"));
        Files.deleteIfExists(dir.resolve("qa.png"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public RtStructureSet isodoseRtstruct() {
        return IsodoseStructureSet.write(identity, dose, IsodoseLevel.of(result), dir.resolve("rs.dcm"));
    }

    @Benchmark
    public QaPicture.Picture qaPicture() {
        return QaPicture.defaults().write("bench", ct, dose, masks, result, dir.resolve("qa.png"));
    }
}
