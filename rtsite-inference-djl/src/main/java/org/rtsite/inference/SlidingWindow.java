package org.rtsite.inference;

import java.util.ArrayList;
import java.util.List;
import org.rtsite.core.InvalidInputException;

/** nnU-Net v2's sliding-window arithmetic, reproduced exactly (sliding_window_prediction.py). */
public final class SlidingWindow {
    private SlidingWindow() {
    }

    /**
     * Window start positions per axis, as {@code compute_steps_for_sliding_window}: the fewest windows with
     * step ≤ {@code tileStep·tile}, spread evenly from 0 to {@code image − tile} and rounded half to even
     * (NumPy's {@code np.round}).
     */
    public static int[][] steps(int[] imageSize, int[] tileSize, double tileStep) {
        if (!(tileStep > 0) || tileStep > 1) {
            throw new InvalidInputException("tile step " + tileStep + " is outside (0, 1]");
        }
        int[][] steps = new int[imageSize.length][];
        for (int d = 0; d < imageSize.length; d++) {
            if (imageSize[d] < tileSize[d]) {
                throw new InvalidInputException("image size " + imageSize[d] + " on axis " + d
                        + " is smaller than the tile " + tileSize[d] + " (pad first)");
            }
            double target = tileSize[d] * tileStep;
            int num = (int) Math.ceil((imageSize[d] - tileSize[d]) / target) + 1;
            int max = imageSize[d] - tileSize[d];
            double actual = num > 1 ? (double) max / (num - 1) : 99999999999.0;
            steps[d] = new int[num];
            for (int s = 0; s < num; s++) {
                steps[d][s] = (int) Math.rint(actual * s);
            }
        }
        return steps;
    }

    /** All window origins (axis 0 outermost), in nnU-Net's order. */
    public static List<int[]> windows(int[] imageSize, int[] tileSize, double tileStep) {
        int[][] s = steps(imageSize, tileSize, tileStep);
        List<int[]> out = new ArrayList<>();
        for (int a : s[0]) {
            for (int b : s[1]) {
                for (int c : s[2]) {
                    out.add(new int[] {a, b, c});
                }
            }
        }
        return out;
    }

    /**
     * nnU-Net's importance map {@code compute_gaussian(tile, 1/8, value_scaling_factor=10)}: a unit impulse at
     * {@code tile // 2} smoothed by scipy's {@code gaussian_filter} (sigma = tile/8, truncated at 4 sigma,
     * constant border), scaled to a maximum of 10, zeros raised to the smallest non-zero value. C order, last axis
     * fastest. nnU-Net keeps it in float16 on the GPU; rtsite keeps float32.
     */
    public static float[] gaussian(int[] tile) {
        double[][] w = new double[3][];
        for (int d = 0; d < 3; d++) {
            double sigma = tile[d] / 8.0;
            int radius = (int) (4.0 * sigma + 0.5);
            int centre = tile[d] / 2;
            w[d] = new double[tile[d]];
            for (int x = 0; x < tile[d]; x++) {
                int off = x - centre;
                w[d][x] = Math.abs(off) <= radius ? Math.exp(-0.5 * off * off / (sigma * sigma)) : 0;
            }
        }
        float[] g = new float[tile[0] * tile[1] * tile[2]];
        float min = Float.POSITIVE_INFINITY;
        int idx = 0;
        for (int a = 0; a < tile[0]; a++) {
            for (int b = 0; b < tile[1]; b++) {
                for (int c = 0; c < tile[2]; c++) {
                    float v = (float) (10.0 * w[0][a] * w[1][b] * w[2][c]);
                    g[idx++] = v;
                    if (v > 0 && v < min) {
                        min = v;
                    }
                }
            }
        }
        for (int i = 0; i < g.length; i++) {
            if (g[i] == 0) {
                g[i] = min;
            }
        }
        return g;
    }
}
