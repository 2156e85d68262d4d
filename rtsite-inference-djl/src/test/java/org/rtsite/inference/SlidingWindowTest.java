package org.rtsite.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;

class SlidingWindowTest {

    /** Expected values printed by nnU-Net v2's compute_steps_for_sliding_window (NumPy) for the same arguments. */
    @Test
    void stepsMatchNnUnet() {
        assertArrayEquals(new int[][] {{0, 18, 36}, {0}, {0, 22, 44, 66}},
                SlidingWindow.steps(new int[] {100, 64, 130}, new int[] {64, 64, 64}, 0.5));
        // 2.5 rounds to 2 and 37.5-style halves to even, as np.round does
        assertArrayEquals(new int[][] {{0, 2, 5}, {0, 3, 6, 10, 13}, {0, 4, 7, 11, 15, 18, 22, 26, 30, 33, 37}},
                SlidingWindow.steps(new int[] {13, 21, 45}, new int[] {8, 8, 8}, 0.5));
        assertArrayEquals(new int[][] {{0, 14, 29}, {0, 44, 88}, {0, 17, 33, 50}},
                SlidingWindow.steps(new int[] {77, 200, 90}, new int[] {48, 112, 40}, 0.5));
        assertArrayEquals(new int[][] {{0, 57, 115, 172}, {0, 57, 115, 172}, {0, 57, 115, 172}},
                SlidingWindow.steps(new int[] {300, 300, 300}, new int[] {128, 128, 128}, 0.5));
    }

    @Test
    void imageSmallerThanTileIsRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> SlidingWindow.steps(new int[] {10, 64, 64}, new int[] {16, 16, 16}, 0.5));
        assertTrue(e.getMessage().contains("10"), e.getMessage());
    }

    @Test
    void gaussianIsNnUnetsImportanceMap() {
        int[] tile = {16, 24, 8};
        float[] g = SlidingWindow.gaussian(tile);
        assertEquals(16 * 24 * 8, g.length);
        // maximum 10 at tile // 2
        int centre = (8 * 24 + 12) * 8 + 4;
        assertEquals(10f, g[centre], 1e-6f);
        for (float v : g) {
            assertTrue(v > 0 && v <= 10f);
        }
        // one sigma (tile/8 = 2 voxels) off centre along axis 0: exp(-1/2)
        assertEquals(10 * Math.exp(-0.5), g[(10 * 24 + 12) * 8 + 4], 1e-5);
        // along axis 2, sigma = 1: two voxels off centre gives exp(-2)
        assertEquals(10 * Math.exp(-2), g[centre + 2], 1e-5);
        // scipy truncates at 4 sigma: axis 2 (sigma 1, radius 4) has no zeros inside 8 voxels, but the corners
        // of a larger tile beyond the radius are raised to the smallest non-zero value
        float[] big = SlidingWindow.gaussian(new int[] {8, 8, 40});
        float min = Float.MAX_VALUE;
        for (float v : big) {
            min = Math.min(min, v);
        }
        assertEquals(min, big[0], 0f);
        assertTrue(min > 0);
    }
}
