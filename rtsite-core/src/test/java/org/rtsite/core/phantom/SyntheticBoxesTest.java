package org.rtsite.core.phantom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rtsite.core.overlap.CpuOverlapBackend;
import org.rtsite.core.overlap.IsodoseBox;
import org.rtsite.core.overlap.OverlapCounts;

class SyntheticBoxesTest {

    @Test
    void clinicalBoxCountsMatchAPlainLoop() {
        IsodoseBox box = SyntheticBoxes.clinical(61, 47, 20, 7);
        OverlapCounts c = new CpuOverlapBackend().count(box);
        int n = box.grid().voxelCount();
        int organs = 0;
        for (int s = 0; s < 3; s++) {
            long[] organ = new long[256], in85 = new long[256], in50 = new long[256];
            byte[] labels = box.labelMaps().get(s);
            for (int idx = 0; idx < n; idx++) {
                int l = labels[idx] & 0xFF;
                organ[l]++;
                in85[l] += box.dose()[idx] >= box.level85() ? 1 : 0;
                in50[l] += box.dose()[idx] >= box.level50() ? 1 : 0;
            }
            assertArrayEquals(organ, c.organ()[s]);
            assertArrayEquals(in85, c.inter85()[s]);
            assertArrayEquals(in50, c.inter50()[s]);
            for (int l = 1; l < 256; l++) {
                organs += organ[l] > 0 ? 1 : 0;
            }
        }
        assertTrue(organs > 40, organs + " organs present");
        assertTrue(c.v85() > 0 && c.v50() > c.v85());
    }

    @Test
    void deterministicForASeed() {
        IsodoseBox a = SyntheticBoxes.random(5), b = SyntheticBoxes.random(5);
        assertArrayEquals(a.dose(), b.dose());
        assertArrayEquals(a.labelMaps().get(0), b.labelMaps().get(0));
        assertEquals(a.grid(), b.grid());
    }
}
