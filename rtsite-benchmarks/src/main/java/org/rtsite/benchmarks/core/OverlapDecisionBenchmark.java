package org.rtsite.benchmarks.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
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
import org.openjdk.jmh.annotations.Warmup;
import org.rtsite.core.ClassifierConfig;
import org.rtsite.core.decision.DecisionTree;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.overlap.CpuOverlapBackend;
import org.rtsite.core.overlap.IsodoseBox;
import org.rtsite.core.overlap.OverlapCounts;
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

    IsodoseBox box;
    final CpuOverlapBackend cpu = new CpuOverlapBackend();
    final DecisionTree tree = new DecisionTree(ClassifierConfig.defaults());
    final RegionDictionary dictionary = RegionDictionary.defaults();
    final Landmarks landmarks = new Landmarks(40.0, 451.0, 455.0);
    int organCount;

    @Setup
    public void setUp() {
        box = makeBox(200, 200, 80, 42);
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

    /** Ellipsoidal organs of every label of the three tasks, and a Gaussian dose filling the box. */
    static IsodoseBox makeBox(int nx, int ny, int nz, long seed) {
        Random rnd = new Random(seed);
        ImageGrid g = new ImageGrid(nx, ny, nz, 1, 1, 2.5, new Vec3(-100, -100, -100), Vec3.X, Vec3.Y, Vec3.Z);
        int n = g.voxelCount();
        List<byte[]> maps = new ArrayList<>();
        for (String task : TASKS) {
            byte[] labels = new byte[n];
            for (int label : TotalSegmentatorLabels.of(task).keySet()) {
                int ci = rnd.nextInt(nx), cj = rnd.nextInt(ny), ck = rnd.nextInt(nz);
                int ri = 5 + rnd.nextInt(35), rj = 5 + rnd.nextInt(35), rk = 2 + rnd.nextInt(15);
                for (int k = Math.max(0, ck - rk); k < Math.min(nz, ck + rk + 1); k++) {
                    for (int j = Math.max(0, cj - rj); j < Math.min(ny, cj + rj + 1); j++) {
                        for (int i = Math.max(0, ci - ri); i < Math.min(nx, ci + ri + 1); i++) {
                            double di = (double) (i - ci) / ri, dj = (double) (j - cj) / rj, dk = (double) (k - ck) / rk;
                            if (di * di + dj * dj + dk * dk <= 1) {
                                labels[g.index(i, j, k)] = (byte) label;
                            }
                        }
                    }
                }
            }
            maps.add(labels);
        }
        float[] dose = new float[n];
        for (int k = 0, idx = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++, idx++) {
                    double di = (i - nx / 2.0) / (nx / 2.0), dj = (j - ny / 2.0) / (ny / 2.0), dk = (k - nz / 2.0) / (nz / 2.0);
                    dose[idx] = (float) (60 * Math.exp(-(di * di + dj * dj + dk * dk) / 1.2));
                }
            }
        }
        return new IsodoseBox(g, dose, 0.85f * 60, 0.5f * 60, maps, List.of());
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
