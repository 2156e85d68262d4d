package org.rtsite.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.archive.DoseChoice;
import org.rtsite.archive.PlanBundle;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.dicom.rt.RtDose;
import org.rtsite.dicom.rt.RtWriter;

/** The dose the linker chose, as the loader forms it: BEAM doses summed (across grids), FRACTION doses scaled. */
class DicomPlanLoaderTest {

    @TempDir
    Path dir;

    private Path dose(String name, ImageGrid g, float perVoxel, String units, String summation) {
        float[] gy = new float[g.voxelCount()];
        java.util.Arrays.fill(gy, perVoxel);
        Path f = dir.resolve(name);
        RtWriter.write(new RtDose(f.toString(), RtWriter.newUid(), "P", "1.2.3", units, "PHYSICAL", summation, 1e-5, 32,
                "1.2.4", List.of(1), List.of(), new DoseVolume(g, gy)), f);
        return f;
    }

    private static PlanBundle bundle(DoseChoice.Decision d, List<Path> files, double scale, boolean common) {
        return new PlanBundle("plan.dcm", "1.2.4", false, "P", null, "1.2.5", List.of("ct.dcm"),
                new DoseChoice(d, files.stream().map(Path::toString).toList(), scale, common, List.of(), "test"),
                List.of(), List.of(), PlanBundle.Status.COMPLETE, List.of());
    }

    @Test
    void beamDosesAreSummedAlsoAcrossGrids() {
        ImageGrid a = ImageGrid.axial(10, 8, 6, 2.5, 2.5, 2.5, new Vec3(0, 0, 0));
        ImageGrid b = ImageGrid.axial(12, 10, 8, 2.5, 2.5, 2.5, new Vec3(-2.5, -2.5, -2.5)); // covers a, one voxel more each side
        DoseVolume sum = DicomPlanLoader.readDose(bundle(DoseChoice.Decision.BEAM_SUM,
                List.of(dose("b1", a, 1.25f, "GY", "BEAM"), dose("b2", b, 0.75f, "GY", "BEAM")), 1, false));
        assertEquals(a, sum.grid());
        for (float v : sum.gy()) {
            assertEquals(2.0f, v, 1e-4f);
        }
    }

    @Test
    void aFractionDoseIsScaledAndCgyConverted() {
        ImageGrid a = ImageGrid.axial(4, 4, 4, 2.5, 2.5, 2.5, Vec3.ZERO);
        DoseVolume d = DicomPlanLoader.readDose(bundle(DoseChoice.Decision.FRACTION_SCALED,
                List.of(dose("f", a, 2f, "CGY", "FRACTION")), 30, true)); // written as 200 cGy
        assertEquals(60f, d.max(), 1e-3f);
    }

    @Test
    void relativeDoseAndMissingPiecesAreRefusedByName() {
        ImageGrid a = ImageGrid.axial(4, 4, 4, 2.5, 2.5, 2.5, Vec3.ZERO);
        Path rel = dose("rel", a, 0.5f, "RELATIVE", "PLAN");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DicomPlanLoader.readDose(bundle(DoseChoice.Decision.PLAN, List.of(rel), 1, true)));
        assertTrue(e.getMessage().contains("rel") && e.getMessage().contains("RELATIVE"), e.getMessage());
        PlanBundle noDose = bundle(DoseChoice.Decision.NONE, List.of(), 1, true);
        e = assertThrows(InvalidInputException.class, () -> DicomPlanLoader.defaults().load(noDose));
        assertTrue(e.getMessage().contains("plan.dcm: no dose linked (test)"), e.getMessage());
    }
}
