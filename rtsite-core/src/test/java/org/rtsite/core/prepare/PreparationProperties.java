package org.rtsite.core.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.IndexBox;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.DoseVolume;

class PreparationProperties {

    /** Random orthonormal frames with flipped axes, random sizes and spacings. */
    static Gen<ImageGrid> grids() {
        Gen<Double> angle = doubles().between(-Math.PI, Math.PI);
        return angle.zip(angle, integers().all(), (a, b, seed) -> {
            Random rnd = new Random(seed);
            Vec3 u = new Vec3(Math.cos(a), Math.sin(a), 0);
            Vec3 v = new Vec3(-Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b));
            Vec3 w = u.cross(v);
            if (rnd.nextBoolean()) u = u.times(-1);
            if (rnd.nextBoolean()) v = v.times(-1);
            if (rnd.nextBoolean()) w = w.times(-1);
            return new ImageGrid(1 + rnd.nextInt(9), 1 + rnd.nextInt(9), 1 + rnd.nextInt(9),
                    0.5 + 3 * rnd.nextDouble(), 0.5 + 3 * rnd.nextDouble(), 0.5 + 3 * rnd.nextDouble(),
                    new Vec3(100 * rnd.nextGaussian(), 100 * rnd.nextGaussian(), 100 * rnd.nextGaussian()), u, v, w);
        });
    }

    @Test
    void resamplingOntoTheSameGridIsTheIdentity() {
        qt().withExamples(300).forAll(grids(), integers().all()).checkAssert((g, seed) -> {
            Random rnd = new Random(seed);
            float[] gy = new float[g.voxelCount()];
            for (int i = 0; i < gy.length; i++) {
                gy[i] = 70 * rnd.nextFloat();
            }
            DoseVolume out = DoseResampler.resample(new DoseVolume(g, gy), g);
            for (int i = 0; i < gy.length; i++) {
                assertEquals(gy[i], out.gy()[i], 1e-3, "voxel " + i + " of " + g.describe());
            }
        });
    }

    @Test
    void cropIsNeverShorterThanTenCentimetresUnlessTheCtIs() {
        qt().withExamples(300).forAll(integers().between(1, 300), doubles().between(0.5, 6), integers().all())
                .checkAssert((nz, dz, seed) -> {
                    Random rnd = new Random(seed);
                    ImageGrid ct = ImageGrid.axial(3, 3, nz, 2, 2, dz, new Vec3(0, 0, -50));
                    int from = rnd.nextInt(nz), to = Math.min(nz - 1, from + rnd.nextInt(20));
                    float[] gy = new float[ct.voxelCount()];
                    for (int k = from; k <= to; k++) {
                        gy[ct.index(1, 1, k)] = 50 + rnd.nextInt(10);
                    }
                    DoseVolume dose = new DoseVolume(ct, gy);
                    IndexBox crop = CropPlanner.plan(ct, dose, dose.max(), 0.5, 2, 100);
                    double length = CropPlanner.lengthMm(crop, ct);
                    assertTrue(length >= Math.min(100, nz * dz) - 1e-9, length + " mm from " + crop);
                    assertTrue(crop.k0() <= Math.max(0, from - 2) && crop.k1() >= Math.min(nz, to + 3), crop.toString());
                    assertTrue(crop.k0() >= 0 && crop.k1() <= nz);
                });
    }
}
