package org.rtsite.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.region.Region;
import org.rtsite.core.result.SiteResult;
import org.rtsite.core.volume.BinaryMask;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.core.volume.LabelMap;
import org.rtsite.core.volume.OrganMasks;

/**
 * The classifier as a user builds it, with this module on the class path: by default it takes the
 * CUDA backend where a device is usable and the CPU backend elsewhere, with the same result.
 */
class SiteClassifierFallbackTest {
    private static final CudaOverlapBackend CUDA = new CudaOverlapBackend();

    /** A liver block with a dose sphere in it, a spleen beside it and a contoured bladder below. */
    private static Plan liverPlan() {
        ImageGrid g = ImageGrid.axial(48, 40, 36, 4, 4, 5, new Vec3(-96, -80, -90));
        byte[] labels = new byte[g.voxelCount()];
        float[] dose = new float[g.voxelCount()];
        long[] bladder = BinaryMask.bitsFor(g);
        for (int k = 0; k < g.nz(); k++) {
            for (int j = 0; j < g.ny(); j++) {
                for (int i = 0; i < g.nx(); i++) {
                    int idx = g.index(i, j, k);
                    if (i >= 8 && i < 30 && j >= 8 && j < 32 && k >= 14 && k < 30) {
                        labels[idx] = 1;
                    } else if (i >= 32 && i < 42 && j >= 10 && j < 26 && k >= 18 && k < 28) {
                        labels[idx] = 2;
                    }
                    if (i >= 18 && i < 30 && j >= 14 && j < 26 && k >= 2 && k < 8) {
                        BinaryMask.set(bladder, idx);
                    }
                    double r2 = sq(i - 19) + sq(j - 20) + sq((k - 22) * 1.25);
                    dose[idx] = (float) (60.0 * Math.exp(-r2 / (2 * 6.0 * 6.0)));
                }
            }
        }
        LabelMap total = new LabelMap("total", g, labels, Map.of(1, "liver", 2, "spleen"));
        OrganMasks masks = new OrganMasks(g, List.of(total), List.of(new BinaryMask("Bladder", g, bladder)));
        return new Plan(g, new DoseVolume(g, dose), masks);
    }

    private record Plan(ImageGrid grid, DoseVolume dose, OrganMasks masks) {
    }

    private static double sq(double v) {
        return v * v;
    }

    @Test
    void withoutADeviceTheDefaultClassifierRunsOnTheCpu() {
        assumeTrue(CUDA.unavailableReason().isPresent(), "a CUDA device is usable here: " + CUDA.device().orElse(""));
        Plan p = liverPlan();

        SiteResult auto = SiteClassifier.builder().build().classify(p.grid(), p.dose(), p.masks());
        SiteResult cpu = SiteClassifier.builder().backend("cpu").build().classify(p.grid(), p.dose(), p.masks());

        assertEquals("cpu", auto.backend());
        assertEquals(List.of(Region.ABDOMEN), auto.labels());
        assertEquals(cpu.labels(), auto.labels());
        assertEquals(cpu.organs(), auto.organs());
        var forced = assertThrows(RtsiteException.class, () -> SiteClassifier.builder().backend("cuda").build());
        assertTrue(forced.getMessage().contains(CUDA.unavailableReason().get()), forced.getMessage());
    }

    @Test
    void withADeviceTheDefaultClassifierRunsOnTheGpuAndAgreesWithTheCpu() {
        assumeTrue(CUDA.device().isPresent(), () -> "no CUDA device: " + CUDA.unavailableReason().orElse(""));
        Plan p = liverPlan();

        SiteResult auto = SiteClassifier.builder().build().classify(p.grid(), p.dose(), p.masks());
        SiteResult cpu = SiteClassifier.builder().backend("cpu").build().classify(p.grid(), p.dose(), p.masks());

        assertEquals("cuda", auto.backend());
        assertEquals(List.of(Region.ABDOMEN), auto.labels());
        assertEquals(cpu.labels(), auto.labels());
        assertEquals(cpu.rule(), auto.rule());
        assertEquals(cpu.v85Cc(), auto.v85Cc());
        assertEquals(cpu.organs(), auto.organs());
    }
}
