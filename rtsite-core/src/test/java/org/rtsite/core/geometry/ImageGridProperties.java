package org.rtsite.core.geometry;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class ImageGridProperties {

    /** Random orthonormal frames, including flipped axes. */
    static Gen<ImageGrid> grids() {
        Gen<Double> angle = doubles().between(-Math.PI, Math.PI);
        Gen<Integer> sign = integers().between(0, 7);
        return angle.zip(angle, sign, (a, b, s) -> {
            Vec3 u = new Vec3(Math.cos(a), Math.sin(a), 0);
            Vec3 v = new Vec3(-Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b));
            Vec3 w = u.cross(v);
            if ((s & 1) != 0) u = u.times(-1);
            if ((s & 2) != 0) v = v.times(-1);
            if ((s & 4) != 0) w = w.times(-1);
            return new ImageGrid(7, 5, 3, 0.9, 1.3, 2.5, new Vec3(-100 * a, 20 * b, 3), u, v, w);
        });
    }

    @Test
    void patientToIndexInvertsIndexToPatient() {
        qt().forAll(grids(), doubles().between(-5, 50), doubles().between(-5, 50))
                .checkAssert((g, i, k) -> {
                    Vec3 p = g.toPatient(i, 2.5, k);
                    Vec3 back = g.toIndex(p);
                    assertTrue(back.approx(new Vec3(i, 2.5, k), 1e-9), () -> back + " vs " + i + ",2.5," + k);
                });
    }

    @Test
    void subGridKeepsPatientPositions() {
        qt().forAll(grids()).checkAssert(g -> {
            IndexBox box = new IndexBox(1, 2, 1, 6, 5, 3);
            ImageGrid sub = g.sub(box);
            assertTrue(sub.toPatient(2, 1, 1).approx(g.toPatient(3, 3, 2), 1e-9));
        });
    }
}
