package org.rtsite.eval.seg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.volume.BinaryMask;

/** The linear-time transform agrees with brute force on random masks at random anisotropic spacing. */
class SurfaceDistanceProperties {

    @Test
    void distanceTransformMatchesBruteForce() {
        qt().withExamples(60).forAll(longs().all(), integers().between(1, 9)).checkAssert((seed, size) -> {
            Random rnd = new Random(seed);
            int nx = 1 + rnd.nextInt(size + 3);
            int ny = 1 + rnd.nextInt(size + 3);
            int nz = 1 + rnd.nextInt(size + 3);
            double dx = 0.3 + 3 * rnd.nextDouble();
            double dy = 0.3 + 3 * rnd.nextDouble();
            double dz = 0.3 + 3 * rnd.nextDouble();
            byte[] f = new byte[nx * ny * nz];
            double density = rnd.nextDouble() * 0.3;
            for (int x = 0; x < f.length; x++) {
                f[x] = (byte) (rnd.nextDouble() < density ? 1 : 0);
            }
            float[] d = DistanceTransform.squared(f, nx, ny, nz, dx, dy, dz);
            for (int k = 0; k < nz; k++) {
                for (int j = 0; j < ny; j++) {
                    for (int i = 0; i < nx; i++) {
                        double best = Double.POSITIVE_INFINITY;
                        for (int c = 0; c < nz; c++) {
                            for (int b = 0; b < ny; b++) {
                                for (int a = 0; a < nx; a++) {
                                    if (f[a + nx * (b + ny * c)] != 0) {
                                        double s = sq((a - i) * dx) + sq((b - j) * dy) + sq((c - k) * dz);
                                        best = Math.min(best, s);
                                    }
                                }
                            }
                        }
                        float got = d[i + nx * (j + ny * k)];
                        if (Double.isInfinite(best)) {
                            assertEquals(Float.POSITIVE_INFINITY, got);
                        } else {
                            assertEquals(best, got, 1e-4 * Math.max(1, best));
                        }
                    }
                }
            }
        });
    }

    @Test
    void aCappedTransformIsExactUpToTheCapAndInfiniteBeyond() {
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int nx = 2 + rnd.nextInt(15);
            int ny = 2 + rnd.nextInt(15);
            int nz = 2 + rnd.nextInt(15);
            double dx = 0.3 + 3 * rnd.nextDouble();
            double dy = 0.3 + 3 * rnd.nextDouble();
            double dz = 0.3 + 3 * rnd.nextDouble();
            byte[] f = new byte[nx * ny * nz];
            for (int x = 0; x < f.length; x++) {
                f[x] = (byte) (rnd.nextDouble() < 0.01 ? 1 : 0);
            }
            double cap = 1 + 15 * rnd.nextDouble();
            float[] full = DistanceTransform.squared(f, nx, ny, nz, dx, dy, dz);
            float[] capped = DistanceTransform.squared(f, nx, ny, nz, dx, dy, dz, cap);
            for (int x = 0; x < f.length; x++) {
                if (full[x] <= cap * cap * (1 - 1e-6)) {
                    assertEquals(full[x], capped[x], 1e-4 * Math.max(1, full[x]));
                } else if (full[x] > cap * cap * (1 + 1e-6)) {
                    assertEquals(Float.POSITIVE_INFINITY, capped[x]);
                }
            }
        });
    }

    @Test
    void sharingTheLinesAmongThreadsGivesTheIdenticalTransform() {
        qt().withExamples(30).forAll(longs().all(), integers().between(2, 9)).checkAssert((seed, threads) -> {
            Random rnd = new Random(seed);
            int nx = 1 + rnd.nextInt(90);
            int ny = 1 + rnd.nextInt(40);
            int nz = 1 + rnd.nextInt(40);
            double dx = 0.3 + 3 * rnd.nextDouble();
            double dy = 0.3 + 3 * rnd.nextDouble();
            double dz = 0.3 + 3 * rnd.nextDouble();
            byte[] f = new byte[nx * ny * nz];
            for (int x = 0; x < f.length; x++) {
                f[x] = (byte) (rnd.nextDouble() < 0.02 ? 1 : 0);
            }
            double cap = rnd.nextBoolean() ? Double.POSITIVE_INFINITY : 1 + 15 * rnd.nextDouble();
            float[] one = DistanceTransform.squared(f, nx, ny, nz, dx, dy, dz, cap, 1);
            float[] many = DistanceTransform.squared(f, nx, ny, nz, dx, dy, dz, cap, threads);
            assertArrayEquals(one, many);
        });
    }

    @Test
    void distancesAtTheQueryVoxelsAreTheRootsOfTheTransformThere() {
        qt().withExamples(60).forAll(longs().all(), integers().between(1, 4)).checkAssert((seed, threads) -> {
            Random rnd = new Random(seed);
            int nx = 1 + rnd.nextInt(70);
            int ny = 1 + rnd.nextInt(30);
            int nz = 1 + rnd.nextInt(30);
            double dx = 0.3 + 3 * rnd.nextDouble();
            double dy = 0.3 + 3 * rnd.nextDouble();
            double dz = 0.3 + 3 * rnd.nextDouble();
            byte[] f = new byte[nx * ny * nz];
            byte[] q = new byte[f.length];
            double density = rnd.nextDouble() * 0.05;
            f[rnd.nextInt(f.length)] = 1;
            int queries = 0;
            for (int x = 0; x < f.length; x++) {
                f[x] |= (byte) (rnd.nextDouble() < density ? 1 : 0);
                q[x] = (byte) (rnd.nextDouble() < 0.1 ? 1 : 0);
                queries += q[x];
            }
            double cap = rnd.nextBoolean() ? Double.POSITIVE_INFINITY : 1 + 20 * rnd.nextDouble();
            float[] d = DistanceTransform.squared(f, nx, ny, nz, dx, dy, dz, cap, 1);
            float[] expected = new float[queries];
            boolean beyond = false;
            int e = 0;
            for (int x = 0; x < f.length; x++) {
                if (q[x] != 0) {
                    beyond |= d[x] == Float.POSITIVE_INFINITY;
                    expected[e++] = (float) Math.sqrt(d[x]);
                }
            }
            float[] got = new float[queries + 3];
            float[] scratch = rnd.nextBoolean() ? null : new float[f.length];
            if (scratch != null) {
                Arrays.fill(scratch, Float.NaN); // whatever a scratch array holds must not matter
            }
            int end = DistanceTransform.distancesAt(f, q, nx, ny, nz, dx, dy, dz, cap, threads, scratch, got, 3);
            if (beyond) {
                assertEquals(-1, end);
                return;
            }
            assertEquals(3 + queries, end);
            float[] sorted = Arrays.copyOfRange(got, 3, end);
            Arrays.sort(sorted);
            Arrays.sort(expected);
            assertArrayEquals(expected, sorted);
        });
    }

    @Test
    void hausdorffMatchesBruteForceSurfaceDistances() {
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            ImageGrid g = Masks.grid(4 + rnd.nextInt(8), 4 + rnd.nextInt(8), 3 + rnd.nextInt(6),
                    0.5 + 2 * rnd.nextDouble(), 0.5 + 2 * rnd.nextDouble(), 0.5 + 4 * rnd.nextDouble());
            BinaryMask a = blob("a", g, rnd);
            BinaryMask b = blob("b", g, rnd);
            SegmentationMetrics m = MaskComparison.compare("c", "s", a, b, ReferenceRegion.WHOLE_GRID);
            if (a.cardinality() == 0 || b.cardinality() == 0) {
                assertEquals(true, Double.isNaN(m.hd95Mm()));
                return;
            }
            List<double[]> sa = surface(a);
            List<double[]> sb = surface(b);
            double[] all = new double[sa.size() + sb.size()];
            int o = 0;
            for (double[] p : sa) {
                all[o++] = nearest(p, sb);
            }
            for (double[] p : sb) {
                all[o++] = nearest(p, sa);
            }
            Arrays.sort(all);
            double h = (all.length - 1) * 0.95;
            int lo = (int) h;
            double p95 = all[lo] + (h - lo) * (all[Math.min(lo + 1, all.length - 1)] - all[lo]);
            assertEquals(p95, m.hd95Mm(), 1e-4);
            assertEquals(all[all.length - 1], m.hdMaxMm(), 1e-4);
            assertEquals(Arrays.stream(all).average().orElseThrow(), m.assdMm(), 1e-4);
            long both = 0;
            for (int x = 0; x < g.voxelCount(); x++) {
                both += a.contains(x) && b.contains(x) ? 1 : 0;
            }
            assertEquals(2.0 * both / (a.cardinality() + b.cardinality()), m.dsc(), 1e-12);
        });
    }

    private static BinaryMask blob(String name, ImageGrid g, Random rnd) {
        double p = rnd.nextDouble() * 0.6;
        int i0 = rnd.nextInt(g.nx());
        int j0 = rnd.nextInt(g.ny());
        int k0 = rnd.nextInt(g.nz());
        int i1 = i0 + rnd.nextInt(g.nx() - i0) + 1;
        int j1 = j0 + rnd.nextInt(g.ny() - j0) + 1;
        int k1 = k0 + rnd.nextInt(g.nz() - k0) + 1;
        return Masks.of(name, g, (i, j, k) -> i >= i0 && i < i1 && j >= j0 && j < j1 && k >= k0 && k < k1
                && rnd.nextDouble() >= p);
    }

    /** Boundary voxels by definition: in the mask with a face neighbour outside it or outside the grid. */
    private static List<double[]> surface(BinaryMask m) {
        ImageGrid g = m.grid();
        List<double[]> out = new ArrayList<>();
        int[][] nb = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++) {
                    if (!m.contains(i, j, k)) {
                        continue;
                    }
                    boolean boundary = false;
                    for (int[] d : nb) {
                        int a = i + d[0];
                        int b = j + d[1];
                        int c = k + d[2];
                        if (!g.contains(a, b, c) || !m.contains(a, b, c)) {
                            boundary = true;
                        }
                    }
                    if (boundary) {
                        out.add(new double[] {i * g.dx(), j * g.dy(), k * g.dz()});
                    }
                }
            }
        }
        return out;
    }

    private static double nearest(double[] p, List<double[]> set) {
        double best = Double.POSITIVE_INFINITY;
        for (double[] q : set) {
            best = Math.min(best, sq(p[0] - q[0]) + sq(p[1] - q[1]) + sq(p[2] - q[2]));
        }
        return Math.sqrt(best);
    }

    private static double sq(double x) {
        return x * x;
    }
}
