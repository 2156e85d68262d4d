package org.rtsite.dicom.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Marching squares' polygons, read back by the even–odd rule at voxel centres, give the thresholded
 * slice exactly: random noisy slices (many saddles, holes, islands, regions on the border).
 */
class MarchingSquaresProperties {

    @Test
    void evenOddAtVoxelCentresGivesTheThresholdBack() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int nx = 1 + r.nextInt(24), ny = 1 + r.nextInt(24);
            float[] v = new float[nx * ny];
            boolean smooth = r.nextBoolean();
            double cx = r.nextDouble() * nx, cy = r.nextDouble() * ny, f = 0.2 + r.nextDouble();
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    // Noise gives saddles and specks; rings give holes.
                    v[i + nx * j] = smooth ? (float) (1 + Math.cos(f * Math.hypot(i - cx, j - cy)))
                            : r.nextFloat() * 2;
                }
            }
            double level = 0.2 + r.nextDouble() * 1.6;
            List<double[]> polys = MarchingSquares.isolines(v, nx, ny, level);
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    boolean inside = false;
                    for (double[] p : polys) {
                        inside ^= contains(p, i, j);
                    }
                    assertEquals(v[i + nx * j] >= level, inside, "seed " + seed + " voxel " + i + "," + j);
                }
            }
        });
    }

    @Test
    void saddleJoinsInsideCornersWhenTheCellMeanIsInside() {
        // a and c inside; mean 0.75 ≥ 0.6: one polygon around both.
        float[] v = {1, 0.5f, 0.5f, 1};
        assertEquals(1, MarchingSquares.isolines(v, 2, 2, 0.6).size());
        // mean 0.75 < 0.9: two separate polygons.
        assertEquals(2, MarchingSquares.isolines(v, 2, 2, 0.9).size());
    }

    @Test
    void ringGivesOuterAndHole() {
        int n = 20;
        float[] v = new float[n * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                double d = Math.hypot(i - 9.5, j - 9.5);
                v[i + n * j] = d > 3 && d < 8 ? 10 : 0;
            }
        }
        assertEquals(2, MarchingSquares.isolines(v, n, n, 5).size());
    }

    static boolean contains(double[] p, double x, double y) {
        boolean in = false;
        int n = p.length / 2;
        for (int a = 0, b = n - 1; a < n; b = a++) {
            double ya = p[2 * a + 1], yb = p[2 * b + 1];
            if ((ya > y) != (yb > y)) {
                double xc = p[2 * a] + (y - ya) / (yb - ya) * (p[2 * b] - p[2 * a]);
                if (x < xc) {
                    in = !in;
                }
            }
        }
        return in;
    }
}
