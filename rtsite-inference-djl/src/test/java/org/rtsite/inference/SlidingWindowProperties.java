package org.rtsite.inference;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;

class SlidingWindowProperties {

    @Test
    void windowsStartAtZeroEndAtTheBorderAndNeverLeaveGaps() {
        qt().forAll(integers().between(1, 300), integers().between(1, 200), doubles().between(0.1, 1.0))
                // below one voxel per step nnU-Net repeats windows; real patches are far larger
                .assuming((image, tile, step) -> tile <= image && tile * step >= 1)
                .check((image, tile, step) -> {
                    int[] s = SlidingWindow.steps(new int[] {image, image, image}, new int[] {tile, tile, tile}, step)[0];
                    if (s[0] != 0 || s[s.length - 1] != image - tile) {
                        return false;
                    }
                    for (int i = 1; i < s.length; i++) {
                        int gap = s[i] - s[i - 1];
                        // evenly spread, never more than the configured step (rounding may add one voxel)
                        if (gap <= 0 || gap > Math.ceil(tile * step) + 1 || gap > tile) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    @Test
    void flippingTwiceIsTheIdentity() {
        qt().forAll(integers().between(1, 6), integers().between(1, 6), integers().between(1, 6), integers().between(0, 7))
                .check((a, b, c, mask) -> {
                    int[] dims = {a, b, c};
                    float[] v = new float[2 * a * b * c];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = i;
                    }
                    boolean[] flip = {(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0};
                    float[] once = WindowedPrediction.flip(v, dims, 2, flip);
                    float[] twice = WindowedPrediction.flip(once, dims, 2, flip);
                    // the first channel's first voxel lands on the flipped corner
                    int corner = ((flip[0] ? a - 1 : 0) * b + (flip[1] ? b - 1 : 0)) * c + (flip[2] ? c - 1 : 0);
                    return java.util.Arrays.equals(v, twice) && once[corner] == 0f;
                });
    }
}
