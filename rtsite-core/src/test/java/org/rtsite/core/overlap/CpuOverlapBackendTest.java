package org.rtsite.core.overlap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.BinaryMask;

class CpuOverlapBackendTest {

    @Test
    void countsAHandMadeBox() {
        ImageGrid g = ImageGrid.axial(4, 1, 1, 1, 1, 1, Vec3.ZERO);
        float[] dose = {10f, 9f, 5f, 1f};
        byte[] map = {1, 1, 2, 0};
        long[] mask = BinaryMask.bitsFor(g);
        BinaryMask.set(mask, 0);
        BinaryMask.set(mask, 3);
        IsodoseBox box = new IsodoseBox(g, dose, 8.5f, 5f, List.of(map), List.of(mask));

        OverlapCounts c = new CpuOverlapBackend().count(box);

        assertEquals(2, c.v85());
        assertEquals(3, c.v50());
        assertArrayEquals(new long[] {1, 2, 1}, java.util.Arrays.copyOf(c.organ()[0], 3));
        assertArrayEquals(new long[] {0, 2, 0}, java.util.Arrays.copyOf(c.inter85()[0], 3));
        assertArrayEquals(new long[] {0, 2, 1}, java.util.Arrays.copyOf(c.inter50()[0], 3));
        assertArrayEquals(new long[] {2, 2}, c.organ()[1]);
        assertArrayEquals(new long[] {1, 1}, c.inter85()[1]);
        assertEquals(1, c.moments().sumI());
        assertEquals(9.0, c.moments().doseSumI(), 1e-6);
        assertEquals(new Vec3(0.5, 0, 0), c.moments().centroid(g));
    }
}
