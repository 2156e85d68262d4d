package org.rtsite.core.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NearestNeighbourTest {

    private static final ImageGrid FINE = ImageGrid.axial(8, 6, 4, 1, 1, 2, new Vec3(0, 0, 0));

    @Test
    void sameGridKeepsEveryValue() {
        byte[] v = new byte[FINE.voxelCount()];
        for (int x = 0; x < v.length; x++) {
            v[x] = (byte) x;
        }
        assertArrayEquals(v, NearestNeighbour.resample(FINE, v, FINE));
    }

    @Test
    void eachVoxelTakesTheNearestCoarseVoxelAndZeroOutside() {
        // 2 mm in-plane, and rows stored bottom-up: a coarse grid that is no re-ordering of the fine one
        ImageGrid coarse = new ImageGrid(3, 2, 4, 2, 2, 2, new Vec3(0.25, 2, 0), Vec3.X, Vec3.Y.times(-1), Vec3.Z);
        byte[] v = new byte[coarse.voxelCount()];
        for (int x = 0; x < v.length; x++) {
            v[x] = (byte) (x + 1);
        }
        byte[] out = NearestNeighbour.resample(coarse, v, FINE);
        for (int k = 0; k < FINE.nz(); k++) {
            for (int j = 0; j < FINE.ny(); j++) {
                for (int i = 0; i < FINE.nx(); i++) {
                    Vec3 c = coarse.toIndex(FINE.toPatient(i, j, k));
                    int ci = (int) Math.floor(c.x() + 0.5);
                    int cj = (int) Math.floor(c.y() + 0.5);
                    int ck = (int) Math.floor(c.z() + 0.5);
                    int expected = coarse.contains(ci, cj, ck) ? v[coarse.index(ci, cj, ck)] : 0;
                    assertEquals(expected, out[FINE.index(i, j, k)], i + "," + j + "," + k);
                }
            }
        }
        // spot checks by hand: fine (0,0,0) at x 0 is nearest coarse i 0 (x 0.25); fine (1,2,0) at y 2 is coarse j 0
        assertEquals(v[coarse.index(0, 0, 0)], out[FINE.index(1, 2, 0)]);
        assertEquals(v[coarse.index(1, 1, 0)], out[FINE.index(2, 0, 0)]);
        assertEquals(0, out[FINE.index(7, 0, 0)]);      // x 7 is beyond coarse x 4.25 + 1
        assertEquals(0, out[FINE.index(0, 5, 0)]);      // y 5 is beyond coarse y 2 + 1

        long[] bits = new long[1];
        bits[0] = 1L << coarse.index(1, 1, 0);
        long[] got = NearestNeighbour.resampleBits(coarse, bits, FINE);
        for (int x = 0; x < FINE.voxelCount(); x++) {
            boolean in = (got[x >>> 6] & (1L << x)) != 0;
            assertEquals(out[x] == v[coarse.index(1, 1, 0)], in, "voxel " + x);
        }
    }
}
