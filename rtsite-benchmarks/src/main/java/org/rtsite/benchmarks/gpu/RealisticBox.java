package org.rtsite.benchmarks.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.overlap.IsodoseBox;

/**
 * The benchmark's isodose box: 200 × 200 × 80 voxels (3.2 M) with three label maps of 140 organs
 * each. Organs are blocks of varying size, so that neighbouring voxels mostly share a label as in
 * real segmentations; the dose is a smooth peak, so V85 is a central blob and V50 a larger one.
 */
final class RealisticBox {
    static final int NX = 200;
    static final int NY = 200;
    static final int NZ = 80;
    static final int ORGANS = 140;

    private RealisticBox() {
    }

    static IsodoseBox build(long seed) {
        Random rnd = new Random(seed);
        ImageGrid grid = ImageGrid.axial(NX, NY, NZ, 1.0, 1.0, 2.5, new Vec3(-100, -100, -100));
        int n = grid.voxelCount();
        float[] dose = new float[n];
        double ci = NX * (0.4 + 0.2 * rnd.nextDouble());
        double cj = NY * (0.4 + 0.2 * rnd.nextDouble());
        double ck = NZ * (0.4 + 0.2 * rnd.nextDouble());
        for (int k = 0, idx = 0; k < NZ; k++) {
            for (int j = 0; j < NY; j++) {
                for (int i = 0; i < NX; i++, idx++) {
                    double r2 = sq((i - ci) / 60) + sq((j - cj) / 60) + sq((k - ck) / 25);
                    dose[idx] = (float) (70.0 * Math.exp(-r2));
                }
            }
        }
        List<byte[]> maps = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            maps.add(organBlocks(rnd, n));
        }
        return new IsodoseBox(grid, dose, 0.85f * 70f, 0.5f * 70f, maps, List.of());
    }

    /** Background (0) around a body of 140 organ blocks of 10–30 voxels a side. */
    private static byte[] organBlocks(Random rnd, int n) {
        byte[] labels = new byte[n];
        int bi = 10 + rnd.nextInt(20);
        int bj = 10 + rnd.nextInt(20);
        int bk = 4 + rnd.nextInt(8);
        for (int k = 0, idx = 0; k < NZ; k++) {
            for (int j = 0; j < NY; j++) {
                for (int i = 0; i < NX; i++, idx++) {
                    boolean body = sq(i - NX / 2.0) + sq(j - NY / 2.0) < sq(0.45 * NX);
                    labels[idx] = body ? (byte) (1 + Math.floorMod(i / bi + 7 * (j / bj) + 31 * (k / bk), ORGANS)) : 0;
                }
            }
        }
        return labels;
    }

    private static double sq(double v) {
        return v * v;
    }
}
