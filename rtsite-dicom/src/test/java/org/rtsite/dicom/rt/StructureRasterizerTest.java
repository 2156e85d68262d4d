package org.rtsite.dicom.rt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.dicom.rt.Contour.GeometricType;

class StructureRasterizerTest {

    /** 20×20×5 voxels of 1 mm, centres at x, y = 0..19 and z = -6, -3, 0, 3, 6. */
    private static final ImageGrid GRID = ImageGrid.axial(20, 20, 5, 1, 1, 3, new Vec3(0, 0, -6));

    static Contour rect(double x0, double y0, double x1, double y1, double z) {
        return new Contour(GeometricType.CLOSED_PLANAR, x0, y0, z, x1, y0, z, x1, y1, z, x0, y1, z);
    }

    @Test
    void squareCoversExactlyTheVoxelCentresInsideIt() {
        BinaryMask m = StructureRasterizer.rasterize("sq", List.of(rect(2.5, 3.5, 6.5, 5.5, 0)), GRID, 3);
        for (int j = 0; j < 20; j++) {
            for (int i = 0; i < 20; i++) {
                boolean inside = i >= 3 && i <= 6 && j >= 4 && j <= 5;
                assertEquals(inside, m.contains(i, j, 2), "voxel " + i + "," + j);
            }
        }
        assertEquals(8, m.cardinality());
    }

    @Test
    void holeDrawnInsideAnOuterContourIsEmpty() {
        List<Contour> ring = List.of(rect(0.5, 0.5, 15.5, 15.5, 0), rect(4.5, 4.5, 9.5, 9.5, 0));
        BinaryMask m = StructureRasterizer.rasterize("ring", ring, GRID, 3);
        assertTrue(m.contains(2, 2, 2));
        assertFalse(m.contains(7, 7, 2));
        assertTrue(m.contains(12, 12, 2));
        assertEquals(15 * 15 - 5 * 5, m.cardinality());
    }

    @Test
    void islandsOnOnePlaneAreAllFilledAndAnIslandInAHoleIsFilledAgain() {
        List<Contour> cs = List.of(rect(0.5, 0.5, 3.5, 3.5, 0), rect(10.5, 10.5, 12.5, 12.5, 0),
                rect(4.5, 14.5, 19.5, 19.5, 0), rect(8.5, 15.5, 15.5, 18.5, 0), rect(10.5, 16.5, 12.5, 17.5, 0));
        BinaryMask m = StructureRasterizer.rasterize("islands", cs, GRID, 3);
        assertEquals(9 + 4 + (15 * 5 - 7 * 3) + 2, m.cardinality());
        assertTrue(m.contains(11, 17, 2), "island inside a hole");
        assertFalse(m.contains(9, 17, 2), "hole");
    }

    @Test
    void contourCoversTheSlabOfItsPlaneHalfOpen() {
        ImageGrid fine = ImageGrid.axial(4, 4, 13, 1, 1, 0.5, new Vec3(0, 0, -3));
        // planes z = -1.5 and 0 at a spacing of 1.5 mm: slabs [-2.25, -0.75) and [-0.75, 0.75)
        List<Contour> cs = List.of(rect(-1, -1, 5, 5, -1.5), rect(-1, -1, 5, 5, 0));
        BinaryMask m = StructureRasterizer.rasterize("slab", cs, fine);
        for (int k = 0; k < 13; k++) {
            double z = -3 + 0.5 * k;
            boolean in = z >= -2.25 && z < 0.75;
            assertEquals(in, m.contains(1, 1, k), "z = " + z);
        }
    }

    @Test
    void planesFurtherApartThanTheSpacingLeaveAGap() {
        List<Contour> cs = new ArrayList<>();
        for (double z : new double[] {-6, -3, 6}) {
            cs.add(rect(0.5, 0.5, 5.5, 5.5, z));
        }
        BinaryMask m = StructureRasterizer.rasterize("gap", cs, GRID);
        assertTrue(m.contains(2, 2, 0));
        assertTrue(m.contains(2, 2, 1));
        assertFalse(m.contains(2, 2, 2));
        assertFalse(m.contains(2, 2, 3));
        assertTrue(m.contains(2, 2, 4));
    }

    @Test
    void pointsAndOpenContoursAreNotFilled() {
        List<Contour> cs = List.of(new Contour(GeometricType.POINT, 3, 3, 0),
                new Contour(GeometricType.OPEN_PLANAR, 0, 0, 0, 10, 0, 0, 10, 10, 0));
        assertEquals(0, StructureRasterizer.rasterize("pts", cs, GRID).cardinality());
    }

    @Test
    void sagittalContoursOnAnAxialGrid() {
        // A square in the plane x = 5 (normal along x): the rows of an axial grid cross it.
        Contour c = new Contour(GeometricType.CLOSED_PLANAR, 5, 2.5, -4, 5, 6.5, -4, 5, 6.5, 4, 5, 2.5, 4);
        BinaryMask m = StructureRasterizer.rasterize("sag", List.of(c), GRID, 1);
        // slab x in [4.5, 5.5): only i = 5; y centres 3..6; z centres -3, 0, 3
        assertEquals(4 * 3, m.cardinality());
        assertTrue(m.contains(5, 3, 1));
        assertFalse(m.contains(4, 3, 1));
    }

    @Test
    void rowsRunningAlongTheNormalUseAPointTest() {
        // Grid whose i axis is the patient z axis; axial contours: every row runs along the normal.
        ImageGrid g = new ImageGrid(10, 8, 8, 1, 1, 1, new Vec3(0, 0, -5), Vec3.Z, Vec3.X, Vec3.Y);
        List<Contour> cs = List.of(rect(1.5, 1.5, 4.5, 3.5, -1), rect(1.5, 1.5, 4.5, 3.5, 0));
        BinaryMask m = StructureRasterizer.rasterize("along", cs, g);
        // z slab [-1.5, 0.5): i = 4, 5; x centres 2..4 (j), y centres 2..3 (k)
        assertEquals(2 * 3 * 2, m.cardinality());
        assertTrue(m.contains(4, 2, 2));
        assertTrue(m.contains(5, 4, 3));
        assertFalse(m.contains(6, 2, 2));
    }

    @Test
    void nonParallelContoursAreRejectedNamingTheRoi() {
        Contour tilted = new Contour(GeometricType.CLOSED_PLANAR, 0, 0, 0, 5, 0, 5, 5, 5, 5, 0, 5, 0);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> StructureRasterizer.rasterize("PTV", List.of(rect(0, 0, 5, 5, 0), tilted), GRID));
        assertTrue(e.getMessage().contains("PTV") && e.getMessage().contains("contour #1"), e.getMessage());
    }

    @Test
    void nonPlanarClosedContourIsRejected() {
        Contour bent = new Contour(GeometricType.CLOSED_PLANAR, 0, 0, 0, 5, 0, 0, 5, 5, 6, 0, 5, 0);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> StructureRasterizer.rasterize("Bladder", List.of(bent), GRID));
        assertTrue(e.getMessage().contains("Bladder") && e.getMessage().contains("not planar"), e.getMessage());
    }

    @Test
    void badSpacingIsRejected() {
        assertThrows(InvalidInputException.class,
                () -> StructureRasterizer.rasterize("x", List.of(rect(0, 0, 5, 5, 0)), GRID, -1));
    }

    @Test
    void contourRejectsNonFiniteAndIncompletePoints() {
        assertThrows(InvalidInputException.class, () -> new Contour(GeometricType.POINT, 1, 2));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new Contour(GeometricType.CLOSED_PLANAR, 1, 2, 3, Double.NaN, 0, 0));
        assertTrue(e.getMessage().contains("point 1"), e.getMessage());
    }
}
