package org.rtsite.core.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.DoseVolume;

class DoseResamplerTest {

    /** Dose = a linear function of patient position, which trilinear interpolation reproduces exactly. */
    static DoseVolume linear(ImageGrid g) {
        float[] gy = new float[g.voxelCount()];
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++) {
                    gy[g.index(i, j, k)] = (float) f(g.toPatient(i, j, k));
                }
            }
        }
        return new DoseVolume(g, gy);
    }

    static double f(Vec3 p) {
        return 100 + 0.5 * p.x() - 0.25 * p.y() + 0.75 * p.z();
    }

    @Test
    void obliqueGridsReproduceALinearDoseAndZeroOutside() {
        ImageGrid dose = ImageGrid.axial(30, 30, 30, 2, 2, 2, new Vec3(-30, -30, -30));
        double c = Math.cos(0.4), s = Math.sin(0.4);
        // A rotated, head-to-feet target grid around the dose grid.
        Vec3 u = new Vec3(c, s, 0), v = new Vec3(-s * 0.6, c * 0.6, 0.8), w = new Vec3(-s * 0.8, c * 0.8, -0.6);
        Vec3 origin = u.times(-36).plus(v.times(-36)).plus(w.times(-33.25)).plus(new Vec3(3, -2, 1));
        ImageGrid target = new ImageGrid(25, 25, 20, 3, 3, 3.5, origin, u, v, w);
        DoseVolume out = DoseResampler.resample(linear(dose), target);
        int inside = 0, outside = 0;
        for (int k = 0; k < target.nz(); k++) {
            for (int j = 0; j < target.ny(); j++) {
                for (int i = 0; i < target.nx(); i++) {
                    Vec3 p = target.toPatient(i, j, k);
                    Vec3 q = dose.toIndex(p);
                    boolean in = q.x() >= 0 && q.x() <= 29 && q.y() >= 0 && q.y() <= 29 && q.z() >= 0 && q.z() <= 29;
                    float got = out.get(i, j, k);
                    if (in) {
                        inside++;
                        assertEquals(f(p), got, 1e-3, "at " + p);
                    } else if (Math.min(q.x(), Math.min(q.y(), q.z())) < -1e-3
                            || Math.max(q.x(), Math.max(q.y(), q.z())) > 29.001) {
                        outside++;
                        assertEquals(0f, got, "outside the dose grid at " + p);
                    }
                }
            }
        }
        assertTrue(inside > 1000 && outside > 1000, inside + " inside, " + outside + " outside");
    }

    @Test
    void axialGridsTakeTheRowFastPathWithTheSameResult() {
        ImageGrid dose = ImageGrid.axial(30, 20, 15, 2.5, 2.5, 2.5, new Vec3(-30.3, -20.1, -10.7));
        ImageGrid target = ImageGrid.axial(40, 30, 20, 1.9, 2.1, 2.7, new Vec3(-40, -30, -20));
        // The same target expressed with a flipped column axis: still rows along dose rows.
        ImageGrid flipped = new ImageGrid(40, 30, 20, 1.9, 2.1, 2.7, target.toPatient(0, 29, 0), Vec3.X,
                new Vec3(0, -1, 0), Vec3.Z);
        DoseVolume a = DoseResampler.resample(linear(dose), target);
        DoseVolume b = DoseResampler.resample(linear(dose), flipped);
        int inside = 0;
        for (int k = 0; k < target.nz(); k++) {
            for (int j = 0; j < target.ny(); j++) {
                for (int i = 0; i < target.nx(); i++) {
                    Vec3 p = target.toPatient(i, j, k);
                    Vec3 q = dose.toIndex(p);
                    boolean in = q.x() >= 0 && q.x() <= 29 && q.y() >= 0 && q.y() <= 19 && q.z() >= 0 && q.z() <= 14;
                    if (in) {
                        inside++;
                        assertEquals(f(p), a.get(i, j, k), 1e-3, "at " + p);
                    } else {
                        assertEquals(0f, a.get(i, j, k), "outside at " + p);
                    }
                    assertEquals(a.get(i, j, k), b.get(i, target.ny() - 1 - j, k), 1e-4);
                }
            }
        }
        assertTrue(inside > 5000, inside + " inside");
    }

    @Test
    void footprintCoversTheDoseAndNothingBeyond() {
        ImageGrid ct = ImageGrid.axial(100, 100, 50, 4, 4, 3, Vec3.ZERO);
        ImageGrid dose = ImageGrid.axial(10, 10, 10, 2.5, 2.5, 2.5, new Vec3(40.5, 81, 30));
        IndexBox fp = DoseResampler.footprint(dose, ct);
        assertEquals(new IndexBox(11, 21, 10, 16, 26, 18), fp);
        ImageGrid far = ImageGrid.axial(10, 10, 10, 2.5, 2.5, 2.5, new Vec3(4000, 81, 30));
        assertTrue(DoseResampler.footprint(far, ct).isEmpty());
    }
}
