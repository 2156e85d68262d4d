package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.geometry.ImageGrid;
import org.rtsite.core.geometry.Vec3;
import org.rtsite.core.volume.CtVolume;
import org.rtsite.core.volume.DoseVolume;
import org.rtsite.dicom.rt.Contour;
import org.rtsite.dicom.rt.CtSeries;
import org.rtsite.dicom.rt.RtDose;
import org.rtsite.dicom.rt.RtPlan;
import org.rtsite.dicom.rt.RtStructureSet;
import org.rtsite.dicom.rt.RtWriter;

/** {@code rtsite rt} on files written by RtWriter: what a user sees for each kind of RT object. */
class RtCommandTest {

    @TempDir
    Path tmp;

    @Test
    void summarizesPlanDoseStructuresAndCt() {
        Path rp = tmp.resolve("rp.dcm");
        RtWriter.write(new RtPlan("mem", "2.25.1", "P", false, "PROST", "Prostate 78", "APPROVED", "2.25.9", "2.25.2",
                List.of(), List.of(new RtPlan.FractionGroup(1, 39, List.of(1, 2), List.of(100.0, 110.0),
                        List.of(Double.NaN, Double.NaN))),
                List.of(new RtPlan.Beam(1, "AP", "STATIC", "PHOTON", "TREATMENT", "LINAC", 2, 0, 6, new Vec3(0, 0, 0)),
                        new RtPlan.Beam(2, "PA", "STATIC", "PHOTON", "TREATMENT", "LINAC", 2, 180, 6, new Vec3(0, 0, 0))),
                List.of(new RtPlan.DoseReference(1, "VOLUME", "TARGET", "PTV", -1, 78, Double.NaN))), rp);
        Path rs = tmp.resolve("rs.dcm");
        RtWriter.write(new RtStructureSet("mem", "2.25.2", "P", "RS", "", List.of(), List.of(
                new RtStructureSet.Roi(1, "PTV", "PTV", new RtStructureSet.Colour(255, 0, 0), "2.25.9", "MANUAL",
                        List.of(new Contour(Contour.GeometricType.CLOSED_PLANAR, 0, 0, 0, 10, 0, 0, 10, 10, 0))),
                new RtStructureSet.Roi(2, "Iso", "ISOCENTER", null, "2.25.9", "",
                        List.of(new Contour(Contour.GeometricType.POINT, 1, 2, 3))))), rs);
        Path rd = tmp.resolve("rd.dcm");
        ImageGrid g = ImageGrid.axial(3, 2, 2, 2, 2, 2, new Vec3(0, 0, 0));
        RtWriter.write(new RtDose("mem", "2.25.3", "P", "2.25.9", "GY", "PHYSICAL", "PLAN", 0.002, 16, "2.25.1",
                List.of(), List.of(), new DoseVolume(g, new float[] {0, 1, 2, 3, 4, 80, 6, 7, 8, 9, 10, 11})), rd);
        Path ct = tmp.resolve("ct");
        RtWriter.writeCtSeries(new CtSeries("2.25.4", "2.25.5", "2.25.9", "P", "HFS", List.of("2.25.6", "2.25.7"),
                List.of(), new CtVolume(ImageGrid.axial(2, 2, 2, 1, 1, 3, new Vec3(0, 0, 0)), new short[8])), ct);

        CliRun r = CliRun.of("rt", rp.toString(), rs.toString(), rd.toString(), ct.toString());
        assertEquals(0, r.exit(), r.err());
        String o = r.out();
        assertTrue(o.contains("RT Plan 'PROST' (Prostate 78), APPROVED, 39 fraction(s), prescription 78.0000 Gy"), o);
        assertTrue(o.contains("beam 2 'PA' PHOTON STATIC, 2 control points, gantry 180.000°"), o);
        assertTrue(o.contains("RT Structure Set 'RS', 2 ROIs, 2 contours"), o);
        assertTrue(o.contains("ROI 2 'Iso' ISOCENTER: 0 closed contour(s), 1 point(s)"), o);
        assertTrue(o.contains("RT Dose PLAN PHYSICAL GY, max 80.0000, 16-bit × 0.00200000"), o);
        assertTrue(o.contains("CT series 2.25.4, 2 slice(s), 2×2×2 @ 1.0×1.0×3.0 mm"), o);
    }

    @Test
    void badInputExitsOneNamingTheFile() throws Exception {
        Path junk = Files.writeString(tmp.resolve("junk.dcm"), "not dicom at all");
        CliRun r = CliRun.of("rt", junk.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("junk.dcm"), r.err());
    }
}
