package org.rtsite.core.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;

class AxisReorderTest {

    private static final ImageGrid CT = new ImageGrid(4, 5, 6, 1, 2, 3, new Vec3(-10, 20, 30), Vec3.X, Vec3.Y, Vec3.Z);

    /** The CT's voxels stored with the file's i along the CT's -k, j along i, k along -j. */
    private static final ImageGrid SHUFFLED = new ImageGrid(6, 4, 5, 3, 1, 2, CT.toPatient(0, 4, 5),
            Vec3.Z.times(-1), Vec3.X, Vec3.Y.times(-1));

    /** Each voxel of {@code g} holds a value derived from the CT index of its centre. */
    private static byte[] valuesOn(ImageGrid g) {
        byte[] v = new byte[g.voxelCount()];
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++) {
                    Vec3 c = CT.toIndex(g.toPatient(i, j, k));
                    int t = CT.index((int) Math.round(c.x()), (int) Math.round(c.y()), (int) Math.round(c.z()));
                    v[g.index(i, j, k)] = (byte) (t * 7 + 3);
                }
            }
        }
        return v;
    }

    @Test
    void permutedAndFlippedLatticeIsReindexedVoxelForVoxel() {
        AxisReorder r = AxisReorder.find(SHUFFLED, CT, 0.01).orElseThrow();
        assertEquals("i←j, j←-k, k←-i", r.describe());
        assertFalse(r.isIdentity());
        assertTrue(r.regrid(SHUFFLED).sameGeometry(CT, 1e-9));
        assertArrayEquals(valuesOn(CT), r.apply(SHUFFLED, valuesOn(SHUFFLED)));

        long[] bits = new long[(SHUFFLED.voxelCount() + 63) / 64];
        long[] expected = new long[bits.length];
        byte[] v = valuesOn(SHUFFLED);
        for (int x = 0; x < v.length; x++) {
            if (v[x] % 3 == 0) {
                bits[x >>> 6] |= 1L << x;
            }
        }
        byte[] onCt = valuesOn(CT);
        for (int x = 0; x < onCt.length; x++) {
            if (onCt[x] % 3 == 0) {
                expected[x >>> 6] |= 1L << x;
            }
        }
        assertArrayEquals(expected, r.applyBits(SHUFFLED, bits));
    }

    @Test
    void sameGridIsTheIdentityAndFloat32RoundingIsAbsorbed() {
        assertTrue(AxisReorder.find(CT, CT, 0.01).orElseThrow().isIdentity());
        ImageGrid rounded = new ImageGrid(6, 4, 5, 3.000001, 1, 2, CT.toPatient(0, 4, 5).plus(new Vec3(0.004, 0, -0.003)),
                Vec3.Z.times(-1), Vec3.X, Vec3.Y.times(-1));
        assertTrue(AxisReorder.find(rounded, CT, 0.01).isPresent());
    }

    @Test
    void otherLatticesAreNotReordered() {
        ImageGrid g = SHUFFLED;
        // half a voxel off, other spacing, other extent, turned by 45°
        assertEquals(Optional.empty(), AxisReorder.find(new ImageGrid(6, 4, 5, 3, 1, 2, g.origin().plus(new Vec3(0.5, 0, 0)),
                g.axisI(), g.axisJ(), g.axisK()), CT, 0.01));
        assertEquals(Optional.empty(), AxisReorder.find(new ImageGrid(6, 4, 5, 3, 1, 1, g.origin(),
                g.axisI(), g.axisJ(), g.axisK()), CT, 0.01));
        assertEquals(Optional.empty(), AxisReorder.find(new ImageGrid(6, 4, 4, 3, 1, 2, g.origin(),
                g.axisI(), g.axisJ(), g.axisK()), CT, 0.01));
        double s = Math.sqrt(0.5);
        assertEquals(Optional.empty(), AxisReorder.find(new ImageGrid(4, 5, 6, 1, 2, 3, CT.origin(),
                new Vec3(s, s, 0), new Vec3(-s, s, 0), Vec3.Z), CT, 0.01));
        // a flip alone moves every voxel centre unless the origin moves with it
        assertEquals(Optional.empty(), AxisReorder.find(new ImageGrid(4, 5, 6, 1, 2, 3, CT.origin(),
                Vec3.X, Vec3.Y.times(-1), Vec3.Z), CT, 0.01));
    }

    @Test
    void componentsAreCheckedAndCopied() {
        assertThrows(InvalidInputException.class, () -> new AxisReorder(new int[] {0, 0, 1}, new boolean[3]));
        assertThrows(InvalidInputException.class, () -> new AxisReorder(new int[] {0, 1}, new boolean[3]));
        int[] source = {2, 0, 1};
        AxisReorder r = new AxisReorder(source, new boolean[] {true, false, false});
        source[0] = 1;
        assertEquals(2, r.source()[0]);
        assertEquals(new AxisReorder(new int[] {2, 0, 1}, new boolean[] {true, false, false}), r);
        assertThrows(InvalidInputException.class, () -> r.apply(CT, new byte[3]));
    }
}
