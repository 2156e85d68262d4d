package org.rtsite.eval.seg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.eval.seg.SegmentationMetrics.Status;

/** Analytic shapes at anisotropic spacing whose DSC, volumes and distances are known in closed form. */
class MaskComparisonTest {

    private static final double DX = 0.8;
    private static final double DY = 1.25;
    private static final double DZ = 3.0;
    private final ImageGrid g = Masks.grid(40, 36, 30, DX, DY, DZ);

    @Test
    void identicalCubesAgreePerfectly() {
        BinaryMask a = Masks.box("a", g, 5, 6, 7, 15, 16, 17);
        SegmentationMetrics m = MaskComparison.compare("c", "cube", a, a, ReferenceRegion.DEFAULT);
        assertEquals(Status.OK, m.status());
        assertEquals(1.0, m.dsc());
        assertEquals(0.0, m.hd95Mm());
        assertEquals(0.0, m.hdMaxMm());
        assertEquals(1000 * DX * DY * DZ / 1000, m.referenceVolumeCc(), 1e-9);
        assertEquals(0.0, m.relativeVolumeError());
        assertEquals(1.0, m.sensitivity());
        assertEquals(1.0, m.specificity());
    }

    @Test
    void cubeShiftedAlongEachAxis() {
        int n = 10;
        int s = 3;
        BinaryMask a = Masks.box("a", g, 5, 6, 7, 5 + n, 6 + n, 7 + n);
        BinaryMask bx = Masks.box("b", g, 5 + s, 6, 7, 5 + s + n, 6 + n, 7 + n);
        BinaryMask bz = Masks.box("b", g, 5, 6, 7 + s, 5 + n, 6 + n, 7 + s + n);
        for (var pair : new Object[][] {{bx, s * DX}, {bz, s * DZ}}) {
            SegmentationMetrics m = MaskComparison.compare("c", "cube", a, (BinaryMask) pair[0], ReferenceRegion.WHOLE_GRID);
            assertEquals((double) (n - s) / n, m.dsc(), 1e-12);
            assertEquals((double) (n - s) / n, m.sensitivity(), 1e-12);
            // the far faces are s voxels apart and no surface point is farther from the other surface
            assertEquals((double) pair[1], m.hdMaxMm(), 1e-5);
            assertTrue(m.hd95Mm() <= m.hdMaxMm() + 1e-9);
            long fp = (long) n * n * s;
            long tn = g.voxelCount() - (long) n * n * n - fp;
            assertEquals((double) tn / (tn + fp), m.specificity(), 1e-12);
            assertEquals(0.0, m.relativeVolumeError(), 1e-12);
        }
    }

    @Test
    void singleVoxelsAtAnAnisotropicOffset() {
        BinaryMask a = Masks.box("a", g, 3, 4, 5, 4, 5, 6);
        BinaryMask b = Masks.box("b", g, 6, 8, 7, 7, 9, 8);
        SegmentationMetrics m = MaskComparison.compare("c", "dot", a, b, ReferenceRegion.DEFAULT);
        double d = Math.sqrt(Math.pow(3 * DX, 2) + Math.pow(4 * DY, 2) + Math.pow(2 * DZ, 2));
        assertEquals(d, m.hd95Mm(), 1e-5);
        assertEquals(d, m.hdMaxMm(), 1e-5);
        assertEquals(d, m.assdMm(), 1e-5);
        assertEquals(0.0, m.dsc());
    }

    @Test
    void surfacesFartherApartThanTheFirstCapAreStillExact() {
        BinaryMask a = Masks.box("a", g, 1, 1, 0, 3, 3, 2);
        BinaryMask b = Masks.box("b", g, 30, 1, 27, 32, 3, 30);
        SegmentationMetrics m = MaskComparison.compare("c", "far", a, b, ReferenceRegion.DEFAULT);
        // farthest surface pair: a's voxel (1, y, 0) to b's nearest (30, y, 27) and b's (31, y, 29) to a's (2, y, 1)
        double far = Math.sqrt(Math.pow(29 * DX, 2) + Math.pow(28 * DZ, 2));
        assertEquals(far, m.hdMaxMm(), 1e-4);
        assertTrue(m.hdMaxMm() > MaskComparison.FIRST_CAP_MM + 2 * DZ);
    }

    @Test
    void concentricSpheres() {
        ImageGrid fine = Masks.grid(80, 60, 30, 0.7, 0.9, 2.0);
        double r1 = 15;
        double r2 = 20;
        BinaryMask inner = Masks.sphere("in", fine, 40, 30, 15, r1);
        BinaryMask outer = Masks.sphere("out", fine, 40, 30, 15, r2);
        SegmentationMetrics m = MaskComparison.compare("c", "sphere", outer, inner, ReferenceRegion.DEFAULT);
        double v1 = 4.0 / 3 * Math.PI * r1 * r1 * r1 / 1000;
        double v2 = 4.0 / 3 * Math.PI * r2 * r2 * r2 / 1000;
        assertEquals(v1, m.testVolumeCc(), 0.03 * v1);
        assertEquals(v2, m.referenceVolumeCc(), 0.03 * v2);
        assertEquals(2 * v1 / (v1 + v2), m.dsc(), 0.02);
        assertEquals(v1 / v2, m.sensitivity(), 0.02);
        // every surface point of one sphere is r2 − r1 from the other, up to one voxel diagonal of discretisation
        double diag = Math.sqrt(0.7 * 0.7 + 0.9 * 0.9 + 2.0 * 2.0);
        assertEquals(r2 - r1, m.hd95Mm(), diag);
        assertEquals(r2 - r1, m.assdMm(), diag);
        assertEquals(v1 / v2 - 1, m.relativeVolumeError(), 0.05);
    }

    @Test
    void emptyAndMissingStructuresAreExplicit() {
        BinaryMask a = Masks.box("a", g, 5, 6, 7, 15, 16, 17);
        BinaryMask empty = Masks.box("e", g, 0, 0, 0, 0, 0, 0);
        SegmentationMetrics emptyTest = MaskComparison.compare("c", "s", a, empty, ReferenceRegion.DEFAULT);
        assertEquals(Status.EMPTY_TEST, emptyTest.status());
        assertEquals(0.0, emptyTest.dsc());
        assertEquals(0.0, emptyTest.sensitivity());
        assertTrue(Double.isNaN(emptyTest.hd95Mm()));
        SegmentationMetrics emptyRef = MaskComparison.compare("c", "s", empty, a, ReferenceRegion.DEFAULT);
        assertEquals(Status.EMPTY_REFERENCE, emptyRef.status());
        assertEquals(0.0, emptyRef.dsc());
        assertTrue(Double.isNaN(emptyRef.sensitivity()));
        SegmentationMetrics none = MaskComparison.compare("c", "s", empty, empty, ReferenceRegion.DEFAULT);
        assertEquals(Status.BOTH_EMPTY, none.status());
        assertTrue(Double.isNaN(none.dsc()));
        SegmentationMetrics missing = MaskComparison.missingTest("c", "s", a, ReferenceRegion.DEFAULT);
        assertEquals(Status.MISSING_TEST, missing.status());
        assertEquals(0.0, missing.dsc());
        assertEquals(-1.0, missing.relativeVolumeError());
        SegmentationMetrics extra = MaskComparison.missingReference("c", "s", a);
        assertEquals(Status.MISSING_REFERENCE, extra.status());
        assertTrue(Double.isNaN(extra.dsc()));
        assertEquals(a.cardinality() * g.voxelVolumeCc(), extra.testVolumeCc(), 1e-12);
    }

    @Test
    void boundingBoxReferenceRegionCountsOnlyNearbyNegatives() {
        BinaryMask a = Masks.box("a", g, 10, 10, 10, 20, 20, 20);
        BinaryMask b = Masks.box("b", g, 12, 10, 10, 22, 20, 20);
        // margin 3 mm → ceil(3/0.8)=4, ceil(3/1.25)=3, ceil(3/3)=1 voxels
        SegmentationMetrics m = MaskComparison.compare("c", "s", a, b, ReferenceRegion.boundingBox(3));
        long region = (long) (12 + 8) * (10 + 6) * (10 + 2);
        long negatives = region - 1000;
        long fp = 200;
        assertEquals((double) (negatives - fp) / negatives, m.specificity(), 1e-12);
    }

    @Test
    void masksOnDifferentGridsAreRefused() {
        BinaryMask a = Masks.box("a", g, 5, 6, 7, 15, 16, 17);
        ImageGrid other = Masks.grid(40, 36, 30, DX, DY, 2.5);
        BinaryMask b = Masks.box("b", other, 5, 6, 7, 15, 16, 17);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> MaskComparison.compare("case7", "liver", a, b, ReferenceRegion.DEFAULT));
        assertTrue(e.getMessage().contains("case7") && e.getMessage().contains("liver"), e.getMessage());
    }
}
