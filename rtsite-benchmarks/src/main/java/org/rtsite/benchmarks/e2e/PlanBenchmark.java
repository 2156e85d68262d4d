package org.rtsite.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.rtsite.archive.DicomArchive;
import org.rtsite.archive.PlanBundle;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.phantom.PhantomPlan;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.nifti.Nifti;
import org.rtsite.pipeline.DicomPlanLoader;
import org.rtsite.pipeline.LoadedPlan;
import org.rtsite.pipeline.NiftiMaskSource;
import org.rtsite.pipeline.RtStructMaskSource;
import org.rtsite.samples.PhantomArchive;

/**
 * Per-plan wall time of the end-to-end path on a realistic grid: the prostate phantom on a CT of
 * 512 × 512 × 150 voxels (0.98 × 0.98 × 2 mm, uncompressed DICOM, 150 files), dose on a 2.5 mm grid,
 * organs as RTSTRUCT contours or as TotalSegmentator NIfTI label maps (gzip). Each invocation reads
 * the CT, dose, plan and structure set from disk, builds the masks, and classifies (crop, resample,
 * overlap, decision). {@code common.parallelism=1} keeps the CT reader's parallel streams on one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=1"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class PlanBenchmark {
    private Path dir;
    private PlanBundle bundle;
    private final DicomPlanLoader loader = DicomPlanLoader.defaults();
    private final SiteClassifier classifier = SiteClassifier.builder().backend("cpu").build();
    private RtStructMaskSource rtstruct;
    private NiftiMaskSource nifti;

    @Setup
    public void write() throws IOException {
        dir = Files.createTempDirectory("rtsite-e2e-bench");
        ImageGrid ct = ImageGrid.axial(512, 512, 150, 500.0 / 512, 500.0 / 512, 2.0, new Vec3(-250, -250, -260));
        PhantomPlan plan = PhantomScene.PROSTATE.build(ct, Vec3.ZERO);
        PhantomArchive.Patient p = PhantomArchive.write(dir.resolve("archive"), PhantomScene.PROSTATE, plan);
        Path seg = dir.resolve("seg").resolve(p.patientId());
        Files.createDirectories(seg);
        for (LabelMap lm : plan.masks().labelMaps()) {
            Nifti.writeLabelMap(seg.resolve(lm.task() + ".nii.gz"), lm);
        }
        try (DicomArchive archive = DicomArchive.index(dir.resolve("archive"))) {
            bundle = archive.plans().findFirst().orElseThrow();
        }
        rtstruct = new RtStructMaskSource(RegionDictionary.defaults());
        nifti = new NiftiMaskSource(dir.resolve("seg"), RegionDictionary.defaults());
        SiteResult r = rtstruct();
        if (!r.labels().equals(PhantomScene.PROSTATE.expectedLabels())) {
            throw new IllegalStateException("benchmark plan classified as " + r.labels());
        }
    }

    @TearDown
    public void delete() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Benchmark
    public SiteResult rtstruct() {
        LoadedPlan plan = loader.load(bundle);
        return classifier.classify(rtstruct.prepare(plan).input());
    }

    @Benchmark
    public SiteResult nifti() {
        LoadedPlan plan = loader.load(bundle);
        return classifier.classify(nifti.prepare(plan).input());
    }

    /** Only the DICOM reading (CT, dose, plan, structure set): the part the above share. */
    @Benchmark
    public LoadedPlan loadOnly() {
        return loader.load(bundle);
    }

}
