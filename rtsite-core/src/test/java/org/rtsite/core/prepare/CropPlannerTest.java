package org.rtsite.core.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.DoseVolume;

class CropPlannerTest {

    /** 100 CT slices of 3 mm from z = 0; dose on the same grid, 60 Gy on slices [from, to]. */
    static DoseVolume slab(ImageGrid g, int from, int to) {
        float[] gy = new float[g.voxelCount()];
        for (int k = from; k <= to; k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++) {
                    gy[g.index(i, j, k)] = 60f;
                }
            }
        }
        gy[g.index(1, 1, from)] = 70f;
        return new DoseVolume(g, gy);
    }

    private static final ImageGrid CT = ImageGrid.axial(4, 4, 100, 2, 2, 3, Vec3.ZERO);

    @Test
    void highDoseSlicesPlusTwoEachSideWhenLongEnough() {
        IndexBox crop = CropPlanner.plan(CT, slab(CT, 40, 80), 70f, 0.5, 2, 100);
        assertEquals(38, crop.k0());
        assertEquals(83, crop.k1());
        assertEquals(4, crop.nx());
    }

    @Test
    void shortCropGrowsSymmetricallyToTenCentimetres() {
        IndexBox crop = CropPlanner.plan(CT, slab(CT, 50, 52), 70f, 0.5, 2, 100);
        assertEquals(34, crop.nz()); // ceil(100 / 3) slices
        assertTrue(crop.k0() <= 48 && crop.k1() >= 55);
        assertTrue(Math.abs((50 - crop.k0()) - (crop.k1() - 1 - 52)) <= 1, crop.toString());
    }

    @Test
    void growthIsClampedAtTheCtEndAndContinuesOnTheOtherSide() {
        IndexBox crop = CropPlanner.plan(CT, slab(CT, 0, 2), 70f, 0.5, 2, 100);
        assertEquals(0, crop.k0());
        assertEquals(34, crop.k1());
        ImageGrid shortCt = ImageGrid.axial(4, 4, 20, 2, 2, 3, Vec3.ZERO);
        IndexBox all = CropPlanner.plan(shortCt, slab(shortCt, 5, 6), 70f, 0.5, 2, 100);
        assertEquals(new IndexBox(0, 0, 0, 4, 4, 20), all);
    }

    @Test
    void doseOnItsOwnGridAndAFeetFirstCt() {
        // CT stored head to feet: slice index grows towards -z.
        ImageGrid feetFirst = new ImageGrid(4, 4, 100, 2, 2, 3, new Vec3(0, 0, 297), Vec3.X, Vec3.Y,
                new Vec3(0, 0, -1));
        ImageGrid doseGrid = ImageGrid.axial(3, 3, 50, 2, 2, 2, new Vec3(1, 1, 100));
        // Dose slices 10..20 → z 120..140 → CT slices (297 - z) / 3 = 52.3 .. 59.
        DoseVolume dose = slab(doseGrid, 10, 20);
        IndexBox crop = CropPlanner.plan(feetFirst, dose, 70f, 0.5, 2, 0);
        assertEquals(52 - 2, crop.k0());
        assertEquals(59 + 1 + 2, crop.k1());
    }

    @Test
    void doseBeyondTheCtIsAnError() {
        ImageGrid doseGrid = ImageGrid.axial(3, 3, 10, 2, 2, 2, new Vec3(0, 0, 1000));
        var e = assertThrows(InvalidInputException.class,
                () -> CropPlanner.plan(CT, slab(doseGrid, 2, 5), 70f, 0.5, 2, 100));
        assertTrue(e.getMessage().contains("dose outside the CT"), e.getMessage());
    }
}
