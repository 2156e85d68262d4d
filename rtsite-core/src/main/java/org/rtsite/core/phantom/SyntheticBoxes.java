package org.rtsite.core.phantom;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.overlap.IsodoseBox;
import org.rtsite.core.volume.BinaryMask;

/**
 * Ready-made {@link IsodoseBox}es for testing and benchmarking overlap backends against each
 * other: every backend must give the CPU backend's counts on them. Deterministic for a seed.
 */
public final class SyntheticBoxes {

    private SyntheticBoxes() {
    }

    /**
     * A small random box (up to 22 × 12 × 8 voxels): noisy Gaussian dose, a dense label map with
     * labels 1–5, a sparse one with labels 200–255, and two binary masks. Sizes vary so that row
     * lengths hit every remainder modulo 8 and 64.
     */
    public static IsodoseBox random(long seed) {
        Random rnd = new Random(seed);
        int nx = 3 + rnd.nextInt(20), ny = 1 + rnd.nextInt(12), nz = 1 + rnd.nextInt(8);
        ImageGrid g = ImageGrid.axial(nx, ny, nz, 1, 1, 1, Vec3.ZERO);
        int n = g.voxelCount();
        float[] dose = new float[n];
        double ci = rnd.nextDouble() * nx, cj = rnd.nextDouble() * ny, ck = rnd.nextDouble() * nz;
        for (int k = 0, idx = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++, idx++) {
                    double r2 = (i - ci) * (i - ci) + (j - cj) * (j - cj) + (k - ck) * (k - ck);
                    dose[idx] = (float) (60 * Math.exp(-r2 / 30) + rnd.nextDouble());
                }
            }
        }
        byte[] a = new byte[n], b = new byte[n];
        long[] m1 = BinaryMask.bitsFor(g), m2 = BinaryMask.bitsFor(g);
        for (int idx = 0; idx < n; idx++) {
            a[idx] = (byte) (rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(5));
            b[idx] = (byte) (rnd.nextInt(3) == 0 ? 200 + rnd.nextInt(56) : 0);
            if (rnd.nextBoolean()) {
                BinaryMask.set(m1, idx);
            }
            if (rnd.nextInt(5) == 0) {
                BinaryMask.set(m2, idx);
            }
        }
        float max = 0;
        for (float d : dose) {
            max = Math.max(max, d);
        }
        return new IsodoseBox(g, dose, 0.85f * max, 0.5f * max, List.of(a, b), List.of(m1, m2));
    }

    /**
     * A clinical-size box: every class of the three TotalSegmentator tasks (147 organs) as a random
     * ellipsoid in its label map, and a Gaussian dose filling the box (Dmax 60 Gy). 200 × 200 × 80
     * is the isodose box of a large target on a 512 × 512 × 200 CT.
     */
    public static IsodoseBox clinical(int nx, int ny, int nz, long seed) {
        return clinical(nx, ny, nz, seed, 1.0);
    }

    /**
     * As {@link #clinical(int, int, int, long)} with organ radii scaled by {@code organScale}
     * (2 labels most of the {@code total} map instead of about a third).
     */
    public static IsodoseBox clinical(int nx, int ny, int nz, long seed, double organScale) {
        Random rnd = new Random(seed);
        ImageGrid g = new ImageGrid(nx, ny, nz, 1, 1, 2.5, new Vec3(-100, -100, -100), Vec3.X, Vec3.Y, Vec3.Z);
        int n = g.voxelCount();
        List<byte[]> maps = new ArrayList<>();
        for (String task : new String[] {TotalSegmentatorLabels.TOTAL, TotalSegmentatorLabels.HEAD_GLANDS_CAVITIES,
                TotalSegmentatorLabels.APPENDICULAR_BONES}) {
            byte[] labels = new byte[n];
            for (int label : TotalSegmentatorLabels.of(task).keySet()) {
                int ci = rnd.nextInt(nx), cj = rnd.nextInt(ny), ck = rnd.nextInt(nz);
                int ri = (int) Math.round((5 + rnd.nextInt(35)) * organScale);
                int rj = (int) Math.round((5 + rnd.nextInt(35)) * organScale);
                int rk = (int) Math.round((2 + rnd.nextInt(15)) * organScale);
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
}
