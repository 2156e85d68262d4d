package org.rtsite.benchmarks.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.rtsite.core.ClassifierConfig;
import org.rtsite.core.decision.DecisionTree;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.overlap.CpuOverlapBackend;
import org.rtsite.core.overlap.IsodoseBox;
import org.rtsite.core.overlap.OverlapCounts;
import org.rtsite.core.phantom.SyntheticBoxes;
import org.rtsite.core.phantom.TotalSegmentatorLabels;
import org.rtsite.core.region.DictionaryEntry;
import org.rtsite.core.region.RegionDictionary;
import org.rtsite.core.result.Landmarks;
import org.rtsite.core.result.OrganMetrics;
import org.rtsite.core.result.OrganRole;

/**
 * Overlap analysis + decision tree for one plan's isodose box of 200 × 200 × 80 voxels (a
 * 512 × 512 × 200 CT at ≈ 1 × 1 × 2.5 mm around a large target) with 147 organs in the three
 * TotalSegmentator label maps: rtsite's one-pass histogram versus the straightforward way (one
 * boolean mask per organ, intersected with V85 and V50 separately).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OverlapDecisionBenchmark {

    static final String[] TASKS = {TotalSegmentatorLabels.TOTAL, TotalSegmentatorLabels.HEAD_GLANDS_CAVITIES,
            TotalSegmentatorLabels.APPENDICULAR_BONES};

    /** Organ size scale: 1 labels ≈ 21 % of the three maps' voxels, 2 labels ≈ half (see docs). */
    @Param({"1.0", "2.0"})
    public double organScale;

    IsodoseBox box;
    final CpuOverlapBackend cpu = new CpuOverlapBackend();
    final DecisionTree tree = new DecisionTree(ClassifierConfig.defaults());
    final RegionDictionary dictionary = RegionDictionary.defaults();
    final Landmarks landmarks = new Landmarks(40.0, 451.0, 455.0);
    int organCount;

    @Setup
    public void setUp() {
        box = SyntheticBoxes.clinical(200, 200, 80, 42, organScale);
        long labelled = 0;
        for (byte[] map : box.labelMaps()) {
            for (byte b : map) {
                labelled += b != 0 ? 1 : 0;
            }
        }
        System.out.println("organ scale " + organScale + ": " + labelled + " labelled of "
                + 3L * box.grid().voxelCount() + " map voxels");
        organCount = 0;
        for (String t : TASKS) {
            organCount += TotalSegmentatorLabels.of(t).size();
        }
        OverlapCounts a = cpu.count(box);
        OverlapCounts b = naiveCounts(box);
        if (!a.sameCounts(b, 1e-9)) {
            throw new IllegalStateException("one-pass and naive counts differ");
        }
    }

    @Benchmark
    public DecisionTree.Decision onePass(CpuTime cpuTime) {
        long t = cpuTime.start();
        DecisionTree.Decision d = decide(cpu.count(box));
        cpuTime.stop(t);
        return d;
    }

    @Benchmark
    public DecisionTree.Decision naivePerOrganMasks(CpuTime cpuTime) {
        long t = cpuTime.start();
        DecisionTree.Decision d = decide(naiveCounts(box));
        cpuTime.stop(t);
        return d;
    }

    DecisionTree.Decision decide(OverlapCounts c) {
        List<OrganMetrics> metrics = new ArrayList<>(organCount);
        for (int s = 0; s < TASKS.length; s++) {
            for (Map.Entry<Integer, String> e : TotalSegmentatorLabels.of(TASKS[s]).entrySet()) {
                int b = e.getKey();
                DictionaryEntry d = dictionary.lookup(e.getValue()).orElse(null);
                OrganRole role = d == null ? OrganRole.UNMAPPED : d.excluded() ? OrganRole.EXCLUDED : OrganRole.REGION;
                metrics.add(OrganMetrics.of(e.getValue(), TASKS[s], d == null ? null : d.canonical(),
                        d == null ? null : d.region(), role, c.organ()[s][b], c.inter85()[s][b], c.inter50()[s][b],
                        c.v85(), c.v50()));
            }
        }
        Vec3 com = c.moments().centroid(box.grid());
        return tree.decide(metrics, com, landmarks, Optional::empty);
    }

    /** The straightforward way: V85 and V50 as boolean volumes, then one boolean mask per organ. */
    static OverlapCounts naiveCounts(IsodoseBox box) {
        int n = box.grid().voxelCount();
        float[] dose = box.dose();
        boolean[] v85 = new boolean[n];
        boolean[] v50 = new boolean[n];
        long n85 = 0, n50 = 0, si = 0, sj = 0, sk = 0;
        double ds = 0, dsi = 0, dsj = 0, dsk = 0;
        int nx = box.grid().nx(), ny = box.grid().ny();
        for (int idx = 0; idx < n; idx++) {
            v85[idx] = dose[idx] >= box.level85();
            v50[idx] = dose[idx] >= box.level50();
            if (v50[idx]) {
                n50++;
            }
            if (v85[idx]) {
                int i = idx % nx, j = (idx / nx) % ny, k = idx / (nx * ny);
                n85++;
                si += i;
                sj += j;
                sk += k;
                ds += dose[idx];
                dsi += (double) dose[idx] * i;
                dsj += (double) dose[idx] * j;
                dsk += (double) dose[idx] * k;
            }
        }
        int sources = box.labelMaps().size();
        long[][] organ = new long[sources][256], in85 = new long[sources][256], in50 = new long[sources][256];
        for (int s = 0; s < sources; s++) {
            byte[] labels = box.labelMaps().get(s);
            for (int label = 1; label < 256; label++) {
                boolean[] mask = new boolean[n];
                long count = 0;
                for (int idx = 0; idx < n; idx++) {
                    mask[idx] = (labels[idx] & 0xFF) == label;
                    if (mask[idx]) {
                        count++;
                    }
                }
                if (count == 0) {
                    continue;
                }
                long c85 = 0, c50 = 0;
                for (int idx = 0; idx < n; idx++) {
                    if (mask[idx] && v85[idx]) {
                        c85++;
                    }
                }
                for (int idx = 0; idx < n; idx++) {
                    if (mask[idx] && v50[idx]) {
                        c50++;
                    }
                }
                organ[s][label] = count;
                in85[s][label] = c85;
                in50[s][label] = c50;
            }
            long sum = 0, s85 = 0, s50 = 0;
            for (int label = 1; label < 256; label++) {
                sum += organ[s][label];
                s85 += in85[s][label];
                s50 += in50[s][label];
            }
            organ[s][0] = n - sum;
            in85[s][0] = n85 - s85;
            in50[s][0] = n50 - s50;
        }
        return new OverlapCounts(n85, n50, organ, in85, in50,
                new org.rtsite.core.overlap.V85Moments(n85, si, sj, sk, ds, dsi, dsj, dsk));
    }
}
