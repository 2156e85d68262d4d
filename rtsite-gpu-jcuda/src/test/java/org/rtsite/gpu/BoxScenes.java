package org.rtsite.gpu;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.quicktheories.core.Gen;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.overlap.IsodoseBox;
import org.rtsite.core.volume.BinaryMask;

/**
 * Random isodose boxes for parity properties: odd sizes (so warps and mask words straddle the
 * end of the box), doses with many voxels exactly at, just below and just above both levels,
 * NaN dose, label maps with runs of equal labels (neighbours share organs), and masks with
 * garbage in the unused bits of their last word.
 */
final class BoxScenes {

    /** A box's shape and sources; the seed fills in the voxels. */
    record Spec(int nx, int ny, int nz, int maps, int masks, long seed) {
        IsodoseBox build() {
            return box(this);
        }

        @Override
        public String toString() {
            return nx + "×" + ny + "×" + nz + ", " + maps + " maps, " + masks + " masks, seed " + seed;
        }
    }

    private BoxScenes() {
    }

    static Gen<Spec> specs(int maxEdge, int maxMaps, int maxMasks) {
        Gen<int[]> dims = integers().between(1, maxEdge).zip(integers().between(1, maxEdge),
                integers().between(1, Math.max(1, maxEdge / 2)), (a, b, c) -> new int[] {a, b, c});
        return dims.zip(integers().between(0, maxMaps), integers().between(0, maxMasks), longs().all(),
                (d, maps, masks, seed) -> new Spec(d[0], d[1], d[2], maps, masks, seed));
    }

    static IsodoseBox box(Spec s) {
        return box(s.nx(), s.ny(), s.nz(), s.maps(), s.masks(), new Random(s.seed()));
    }

    static IsodoseBox box(int nx, int ny, int nz, int maps, int masks, Random rnd) {
        ImageGrid grid = ImageGrid.axial(nx, ny, nz, 1.5, 1.5, 3, new Vec3(-10, 20, 5));
        int n = grid.voxelCount();
        float level85 = 0.5f + rnd.nextFloat() * 70f;
        float level50 = Math.max(Float.MIN_NORMAL, level85 * (0.3f + 0.7f * rnd.nextFloat()));
        float[] special = {level85, level50, Math.nextDown(level85), Math.nextUp(level85),
            Math.nextDown(level50), Math.nextUp(level50), 0f, Float.NaN};
        float[] dose = new float[n];
        for (int v = 0; v < n; v++) {
            dose[v] = rnd.nextInt(3) == 0 ? special[rnd.nextInt(special.length)]
                    : rnd.nextFloat() * level85 * 1.3f;
        }
        List<byte[]> labelMaps = new ArrayList<>();
        for (int m = 0; m < maps; m++) {
            int[] palette = {0, 1 + rnd.nextInt(255), 1 + rnd.nextInt(255), 1 + rnd.nextInt(255), 255};
            byte[] labels = new byte[n];
            int label = 0;
            for (int v = 0; v < n; v++) {
                if (rnd.nextInt(6) == 0) {
                    label = palette[rnd.nextInt(palette.length)];
                }
                labels[v] = (byte) label;
            }
            labelMaps.add(labels);
        }
        List<long[]> maskBits = new ArrayList<>();
        for (int m = 0; m < masks; m++) {
            long[] bits = BinaryMask.bitsFor(grid);
            double density = rnd.nextDouble();
            for (int v = 0; v < n; v++) {
                if (rnd.nextDouble() < density) {
                    BinaryMask.set(bits, v);
                }
            }
            if ((n & 63) != 0) {
                bits[bits.length - 1] |= rnd.nextLong() & (-1L << (n & 63));
            }
            maskBits.add(bits);
        }
        return new IsodoseBox(grid, dose, level85, level50, labelMaps, maskBits);
    }
}
